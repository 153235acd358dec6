// Check 4, API handshake: a raw socket sends `API\0` + length + `v100..226` (up to
// the newest client version, so the answer is the server's own maximum, which names
// the release family) and reads the framed server version with a short bound. No
// answer is the classic "port connects, API times out": API not enabled (TWS; IB
// Gateway before 10.41), address not trusted, an "accept incoming connection" dialog
// waiting, or IB Gateway logged in for FIX; a late answer is that dialog clicked.
import { connect, type Socket } from 'node:net';
import { FrameReader, ProtocolError } from '../tws/wire';
import type { EnvironmentFacts } from './environmentCheck';
import { isWsl2Nat } from './environmentCheck';
import { fixFor, GATEWAY_API_SETTINGS, isLoopback, TWS_API_SETTINGS, type FixContext } from '../tws/fixes';
import { identifyRelease, MIN_SERVER_VER_PROTOBUF, NEWEST_CLIENT_VERSION, PRODUCT_NAMES, type Product } from '../tws/releases';
import { hostPort, makeCheck, since, type Check, type Evidence } from './types';

export const CLIENT_MIN_VERSION = 100;
/** @stoqey/ib 1.6.10's MAX_SUPPORTED_SERVER_VERSION (CME_TAGGING_FIELDS_IN_OPEN_ORDER); a unit test keeps them equal. */
export const CLIENT_MAX_VERSION = 193;
export const CLIENT_LIBRARY = '@stoqey/ib 1.6.10';
/** TWS answers an accepted handshake within milliseconds; slower than this, a dialog was waiting for a click. */
export const ACCEPT_DIALOG_MS = 250;

/** The v100+ opening: `API\0`, then a 4-byte big-endian length and `v<min>..<max>` (no NUL). */
export function encodeHandshake(min = CLIENT_MIN_VERSION, max = CLIENT_MAX_VERSION): Buffer {
  const text = Buffer.from(min < max ? `v${min}..${max}` : `v${min}`, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(text.length, 0);
  return Buffer.concat([Buffer.from('API\0', 'latin1'), len, text]);
}

interface Local {
  ms: number;
  localAddress: string;
  localPort: number;
}

export type HandshakeOutcome =
  | (Local & { kind: 'answered'; serverVersion: number; connectionTime: string })
  | (Local & { kind: 'no-answer'; bytes: number })
  | (Local & { kind: 'closed'; bytes: number })
  | (Local & { kind: 'not-tws'; detail: string })
  | (Local & { kind: 'fix'; detail: string })
  | { kind: 'error'; ms: number; message: string; localAddress: string; localPort: number };

export interface HandshakeOptions {
  host: string;
  port: number;
  /** An already connected socket (from the TCP probe) to use instead of a new one; it is closed at the end. */
  socket?: Socket;
  timeoutMs: number;
  minVersion?: number;
  /** Default NEWEST_CLIENT_VERSION: the server then answers its own maximum. */
  maxVersion?: number;
}

/** `::ffff:127.0.0.1` -> `127.0.0.1` (how TWS shows it in Trusted IPs). */
export function plainAddress(a: string): string {
  return a.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
}

export function handshakeProbe(o: HandshakeOptions): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = o.socket ?? connect({ host: o.host, port: o.port, noDelay: true });
    const reader = new FrameReader();
    let bytes = 0;
    let done = false;
    let la = '';
    let lp = 0;
    const remember = () => {
      la = plainAddress(socket.localAddress ?? la);
      lp = socket.localPort ?? lp;
    };
    const local = () => {
      if (!done) remember();
      return { ms: since(t0), localAddress: la, localPort: lp };
    };
    const finish = (out: HandshakeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeAllListeners('close');
      socket.on('error', () => {});
      socket.destroy();
      resolve(out);
    };
    const timer = setTimeout(() => finish({ kind: 'no-answer', bytes, ...local() }), o.timeoutMs);
    const send = () => {
      remember();
      socket.write(encodeHandshake(o.minVersion, o.maxVersion ?? NEWEST_CLIENT_VERSION));
    };
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes === chunk.length && chunk.subarray(0, 6).toString('latin1') === '8=FIX.') {
        finish({ kind: 'fix', detail: chunk.subarray(0, 120).toString('latin1').replace(/\x01/g, '|'), ...local() });
        return;
      }
      let frames: string[][];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        const text = chunk
          .subarray(0, 40)
          .toString('latin1')
          .replace(/[^\x20-\x7e]/g, '.');
        finish({ kind: 'not-tws', detail: `${err instanceof ProtocolError ? err.message : String(err)}; first bytes "${text}"`, ...local() });
        return;
      }
      const first = frames[0];
      if (!first) return;
      const v = Number(first[0]);
      if (!Number.isInteger(v) || v <= 0) {
        finish({ kind: 'not-tws', detail: `first message ${JSON.stringify(first.slice(0, 3))} is not a server version`, ...local() });
        return;
      }
      finish({ kind: 'answered', serverVersion: v, connectionTime: first[1] ?? '', ...local() });
    });
    socket.on('close', () => finish({ kind: 'closed', bytes, ...local() }));
    socket.on('error', (err: Error) => finish({ kind: 'error', message: err.message, ...local() }));
    if (o.socket) send();
    else socket.once('connect', send);
  });
}

export interface HandshakeCheckInput {
  host: string;
  port: number;
  outcome: HandshakeOutcome;
  timeoutMs: number;
  env?: EnvironmentFacts;
  /** The product as configured (--product) or from a standard port. */
  product?: Product;
  /** How the product was known, for the finding ("port 4002", "--product"). */
  productSource?: string;
  /** The versions the probe offered (default 100..NEWEST_CLIENT_VERSION). */
  offered?: { min: number; max: number };
}

/** Is the version one this client can talk to? */
export function versionInRange(v: number): 'ok' | 'too-old' | 'too-new' {
  if (v < CLIENT_MIN_VERSION) return 'too-old';
  if (v > CLIENT_MAX_VERSION) return 'too-new';
  return 'ok';
}

export function handshakeCheck(inp: HandshakeCheckInput): Check {
  const o = inp.outcome;
  const offered = inp.offered ?? { min: CLIENT_MIN_VERSION, max: NEWEST_CLIENT_VERSION };
  const sent = `send API\\0 + v${offered.min}..${offered.max} to ${hostPort(inp.host, inp.port)} from ${hostPort(o.localAddress || '?', o.localPort)}`;
  const evidence: Evidence[] = [];
  const addr = o.localAddress || "this machine's address";
  const wsl = Boolean(inp.env && inp.env.wsl.wsl && isWsl2Nat(inp.env));
  const ctx: FixContext = { port: inp.port, addr, remote: !isLoopback(addr) || wsl, ...(inp.product ? { product: inp.product } : {}) };
  const productText = inp.product
    ? `${PRODUCT_NAMES[inp.product]} (by ${inp.productSource ?? `port ${inp.port}`})`
    : `TWS or IB Gateway (port ${inp.port} is not a standard one; --product tws|gateway says which)`;
  switch (o.kind) {
    case 'answered': {
      evidence.push({ step: sent, detail: `server version ${o.serverVersion}, connection time "${o.connectionTime}"`, ms: o.ms });
      const range = versionInRange(o.serverVersion);
      if (range === 'too-old') {
        return makeCheck(
          'handshake',
          'fail',
          `TWS answered server version ${o.serverVersion}, below the ${CLIENT_MIN_VERSION}..${CLIENT_MAX_VERSION} that ${CLIENT_LIBRARY} speaks: this TWS/IB Gateway is too old.`,
          {
            evidence,
            cause: 'handshake.server-too-old',
            fix: 'Upgrade TWS or IB Gateway: install the current "Stable" or "Latest" release from interactivebrokers.com (TWS: Help > About Trader Workstation shows the build you have), log in, and run the checks again.',
          },
        );
      }
      const release = identifyRelease(o.serverVersion);
      ctx.release = release;
      evidence.push({ step: 'release', detail: `server version ${o.serverVersion} is the maximum of ${release.text}`, ms: 0 });
      evidence.push({ step: 'product', detail: productText, ms: 0 });
      const text =
        o.serverVersion >= MIN_SERVER_VER_PROTOBUF
          ? `${CLIENT_LIBRARY} speaks the text protocol and will use server version ${Math.min(o.serverVersion, CLIENT_MAX_VERSION)}, which this release still accepts`
          : `${CLIENT_LIBRARY} will use server version ${Math.min(o.serverVersion, CLIENT_MAX_VERSION)}`;
      const base = `Server version ${o.serverVersion}: ${release.text}; ${productText}. ${text}.`;
      if (o.ms > ACCEPT_DIALOG_MS) {
        return makeCheck(
          'handshake',
          'warn',
          `The handshake was answered only after ${(o.ms / 1000).toFixed(2)} s (TWS answers within milliseconds): an "accept incoming connection" dialog was waiting for a click. ${base}`,
          {
            evidence,
            cause: 'handshake.accept-dialog',
            fix: fixFor('handshake.accept-dialog', ctx),
          },
        );
      }
      return makeCheck('handshake', 'pass', `${base} Answered in ${o.ms} ms (TWS time ${o.connectionTime || 'not sent'}).`, { evidence });
    }
    case 'no-answer': {
      evidence.push({
        step: sent,
        detail: `no server version within ${inp.timeoutMs} ms${o.bytes ? ` (${o.bytes} bytes of a partial answer)` : ''}`,
        ms: o.ms,
      });
      const lines = fixFor('handshake.no-answer', ctx).split('\n');
      lines.push(
        `If TWS or IB Gateway is still starting up or logging in, wait for it and run the checks again (a slower answer can be allowed with --timeout-ms ${inp.timeoutMs * 2}).`,
      );
      if (wsl)
        lines.push(
          `From WSL2: uncheck "Allow connections from localhost only" and add the WSL address ${addr} to Trusted IPs (it changes when WSL restarts; mirrored networking avoids that).`,
        );
      const causes =
        inp.product === 'gateway'
          ? `${addr} is not trusted, an "accept incoming connection" dialog is waiting, or IB Gateway was logged in for FIX CTCI (IB Gateway from 10.41 has the API always on; before, "Enable ActiveX and Socket Clients" may be off)`
          : `API connections are not enabled, ${addr} is not trusted, or an "accept incoming connection" dialog is waiting in TWS`;
      return makeCheck('handshake', 'fail', `TCP connects but the API handshake got no server version within ${inp.timeoutMs} ms: ${causes}.`, {
        evidence,
        cause: 'handshake.no-answer',
        fix: lines.join('\n'),
      });
    }
    case 'fix':
      evidence.push({ step: sent, detail: `FIX bytes instead of a server version: "${o.detail}"`, ms: o.ms });
      return makeCheck(
        'handshake',
        'fail',
        `Port ${inp.port} answers FIX ("8=FIX..."), not the TWS API: IB Gateway is logged in for FIX CTCI instead of IB API.`,
        {
          evidence,
          cause: 'handshake.fix-mode',
          fix: fixFor('handshake.fix-mode', ctx),
        },
      );
    case 'closed': {
      evidence.push({ step: sent, detail: `connection closed by TWS after ${o.bytes} bytes, without a server version`, ms: o.ms });
      return makeCheck('handshake', 'fail', `TWS closed the connection without answering the handshake: ${addr} is not allowed to use the API.`, {
        evidence,
        cause: 'handshake.closed',
        fix: [
          ...(inp.product !== 'gateway'
            ? [
                `${TWS_API_SETTINGS}: add ${addr} to Trusted IPs${ctx.remote ? ' and uncheck "Allow connections from localhost only"' : ''}; check "Enable ActiveX and Socket Clients".`,
              ]
            : []),
          ...(inp.product !== 'tws'
            ? [`${GATEWAY_API_SETTINGS}: add ${addr} to Trusted IPs${ctx.remote ? ' and uncheck "Allow connections from localhost only"' : ''}.`]
            : []),
          'If TWS asked "Accept incoming connection attempt?" and it was rejected, connect again and click Accept.',
        ].join('\n'),
      });
    }
    case 'not-tws':
      evidence.push({ step: sent, detail: o.detail, ms: o.ms });
      return makeCheck('handshake', 'fail', `Something answers on ${hostPort(inp.host, inp.port)}, but it is not TWS or IB Gateway (${o.detail}).`, {
        evidence,
        cause: 'handshake.not-tws',
        fix: `Use the API Socket port shown in ${TWS_API_SETTINGS} (or ${GATEWAY_API_SETTINGS}): set IBKR_PORT to it in .env (or ibkrAi.port). Standard ports: 7497 TWS paper, 7496 TWS live, 4002 IB Gateway paper, 4001 IB Gateway live.`,
      });
    default:
      evidence.push({ step: sent, detail: `socket error: ${o.message}`, ms: o.ms });
      return makeCheck('handshake', 'fail', `The handshake failed with a socket error: ${o.message}.`, {
        evidence,
        cause: 'handshake.error',
        fix: `Check that TWS or IB Gateway is running and its API is enabled (${TWS_API_SETTINGS}; ${GATEWAY_API_SETTINGS}), then run the checks again.`,
      });
  }
}
