// Keeps the panel's session history current: read on request (the History tab's button, the
// palette command) and again each time a session ends, from that session's journal folder.
// The folder is read after the current turn, so a button press or a session's end does not
// wait on the disk.
import { dirname, resolve } from 'node:path';
import { DEFAULTS } from '../session/sessionConfig';
import { ENDED_STATES } from '../session/sessionEvents';
import type { PanelStore } from './panelStore';
import { readSessionHistory, type HistoryLimits, HISTORY_LIMITS } from './sessionHistory';

/** The journal folder a setting names (relative to `cwd`, as a session resolves it), else the default. */
export function historyDir(setting: unknown, cwd: string): string {
  return resolve(cwd, typeof setting === 'string' && setting.trim() !== '' ? setting : DEFAULTS.journalDir);
}

export class HistoryFeed {
  private readonly offStore: () => void;
  private lastEnded: string | undefined;
  private pending: { timer: NodeJS.Immediate; done: () => void } | undefined;

  constructor(
    private readonly store: PanelStore,
    private readonly limits: HistoryLimits = HISTORY_LIMITS,
  ) {
    this.offStore = store.onChange((topic) => {
      if (topic !== 'session') return;
      const s = store.sessionView();
      if (s.active || !ENDED_STATES.has(s.state as never) || !s.journalPath) return;
      const key = `${s.sessionId ?? ''}:${s.state}:${s.summaryTable ? 'summary' : ''}`;
      if (key === this.lastEnded) return;
      this.lastEnded = key;
      this.refresh(dirname(s.journalPath));
    });
  }

  /** Reads `dir` (after this turn) into the store; resolves when the store has it. */
  refresh(dir: string): Promise<void> {
    // A read replaced by a newer one still resolves its caller, once the newer one is in the store.
    const replaced = this.pending;
    if (replaced) clearImmediate(replaced.timer);
    this.store.setHistory({ ...this.store.historyView(), dir, loading: true });
    return new Promise((resolveRead) => {
      const done = () => {
        replaced?.done();
        resolveRead();
      };
      const timer = setImmediate(() => {
        this.pending = undefined;
        try {
          this.store.setHistory(readSessionHistory(dir, this.limits));
        } catch (err) {
          this.store.setHistory({
            dir,
            loading: false,
            sessions: [],
            skipped: [],
            error: `cannot read ${dir}: ${err instanceof Error ? err.message : String(err)}`,
          });
        }
        done();
      });
      this.pending = { timer, done };
    });
  }

  dispose(): void {
    this.offStore();
    if (this.pending) clearImmediate(this.pending.timer);
  }
}
