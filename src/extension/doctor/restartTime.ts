// TWS and IB Gateway restart daily at their "Auto restart" time (a setting, often on a
// quarter hour such as 23:45): every API socket drops at that time and the port is
// closed for a minute or two. A drop seen within a minute after a quarter hour on TWS's
// own clock is most likely that restart; a port that reopens within a few minutes after
// one may be (or a login that finished then: only a hint). TWS's clock is read from the
// handshake's connection time ("yyyyMMdd HH:mm:ss ZONE", TWS's local time, the zone its
// restart time uses).

/** Seconds after a quarter hour within which an observed drop counts as the restart. */
export const RESTART_DROP_WINDOW_S = 60;
/** Seconds after a quarter hour within which a reopening port may be the restart ending. */
export const RESTART_REOPEN_WINDOW_S = 180;

export interface ClockTime {
  h: number;
  m: number;
  s: number;
}

/** HH:mm:ss of a TWS connection time, or undefined when it has another shape. */
export function parseTwsTime(connectionTime: string): ClockTime | undefined {
  const m = /\b(\d{2}):(\d{2}):(\d{2})\b/.exec(connectionTime);
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return h < 24 && mi < 60 && s < 60 ? { h, m: mi, s } : undefined;
}

export function addSeconds(t: ClockTime, seconds: number): ClockTime {
  const total = (((t.h * 3600 + t.m * 60 + t.s + Math.round(seconds)) % 86400) + 86400) % 86400;
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** The quarter hour (HH:00, :15, :30, :45) at most `windowS` seconds before `t`, if any. */
export function roundTimeBefore(t: ClockTime, windowS: number): { h: number; m: number } | undefined {
  const secs = t.h * 3600 + t.m * 60 + t.s;
  const since = secs % 900;
  if (since > windowS) return undefined;
  const at = secs - since;
  return { h: Math.floor(at / 3600), m: Math.floor((at % 3600) / 60) };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function formatClock(t: { h: number; m: number; s?: number }): string {
  return `${pad(t.h)}:${pad(t.m)}${t.s === undefined ? '' : `:${pad(t.s)}`}`;
}
