// Check 4, API handshake: a raw socket sends `API\0` + length + `v100..193` (what
// @stoqey/ib sends) and reads the framed server version with a short bound. No
// answer is the classic "port connects, API times out": API not enabled, address not
// trusted, or an "accept incoming connection" dialog waiting in TWS.
import { connect, type Socket } from 'node:net';
import { FrameReader, ProtocolError } from '../sim/protocol/wire';
import type { EnvironmentFacts } from './environmentCheck';
import { isWsl2Nat } from './environmentCheck';
import { GATEWAY_API_SETTINGS, isLoopback, TWS_API_SETTINGS } from './fixes';
import { hostPort, makeCheck, since, type Check, type Evidence } from './types';

export const CLIENT_MIN_VERSION = 100;
/** @stoqey/ib 1.6.10's MAX_SUPPORTED_SERVER_VERSION (CME_TAGGING_FIELDS_IN_OPEN_ORDER); a unit test keeps them equal. */
export const CLIENT_MAX_VERSION = 193;
export const CLIENT_LIBRARY = '@stoqey/ib 1.6.10';

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
  | { kind: 'error'; ms: number; message: string; localAddress: string; localPort: number };

export interface HandshakeOptions {
  host: string;
  port: number;
  /** An already connected socket (from the TCP probe) to use instead of a new one; it is closed at the end. */
  socket?: Socket;
  timeoutMs: number;
  minVersion?: number;
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
      socket.write(encodeHandshake(o.minVersion, o.maxVersion));
    };
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      let frames: string[][];
      try {
        frames = reader.push(chunk);
      } catch (err) {
        const text = chunk.subarray(0, 40).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
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
}

/** Is the version one this client can talk to? */
export function versionInRange(v: number): 'ok' | 'too-old' | 'too-new' {
  if (v < CLIENT_MIN_VERSION) return 'too-old';
  if (v > CLIENT_MAX_VERSION) return 'too-new';
  return 'ok';
}

export function handshakeCheck(inp: HandshakeCheckInput): Check {
  const o = inp.outcome;
  const sent = `send API\\0 + v${CLIENT_MIN_VERSION}..${CLIENT_MAX_VERSION} to ${hostPort(inp.host, inp.port)} from ${hostPort(o.localAddress || '?', o.localPort)}`;
  const evidence: Evidence[] = [];
  const addr = o.localAddress || 'this machine\'s address';
  switch (o.kind) {
    case 'answered': {
      evidence.push({ step: sent, detail: `server version ${o.serverVersion}, connection time "${o.connectionTime}"`, ms: o.ms });
      const range = versionInRange(o.serverVersion);
      if (range === 'too-old') {
        return makeCheck('handshake', 'fail', `TWS answered server version ${o.serverVersion}, below the ${CLIENT_MIN_VERSION}..${CLIENT_MAX_VERSION} that ${CLIENT_LIBRARY} speaks: this TWS/IB Gateway is too old.`, {
          evidence,
          cause: 'handshake.server-too-old',
          fix: 'Upgrade TWS or IB Gateway: install the current "Stable" or "Latest" release from interactivebrokers.com (TWS: Help > About Trader Workstation shows the build you have), log in, and run the checks again.',
        });
      }
      if (range === 'too-new') {
        return makeCheck('handshake', 'fail', `TWS answered server version ${o.serverVersion}, above the ${CLIENT_MIN_VERSION}..${CLIENT_MAX_VERSION} that ${CLIENT_LIBRARY} speaks.`, {
          evidence,
          cause: 'handshake.server-too-new',
          fix: `Update the client library (npm install @stoqey/ib@latest) or use an older TWS/IB Gateway build (the "Stable" channel): TWS must answer at most server version ${CLIENT_MAX_VERSION}.`,
        });
      }
      return makeCheck('handshake', 'pass', `Server version ${o.serverVersion} in ${o.ms} ms (TWS time ${o.connectionTime || 'not sent'}).`, { evidence });
    }
    case 'no-answer': {
      evidence.push({ step: sent, detail: `no server version within ${inp.timeoutMs} ms${o.bytes ? ` (${o.bytes} bytes of a partial answer)` : ''}`, ms: o.ms });
      const remote = !isLoopback(addr);
      const wsl = inp.env && inp.env.wsl.wsl && isWsl2Nat(inp.env);
      const lines = [
        `Enable the API: ${TWS_API_SETTINGS}: check "Enable ActiveX and Socket Clients", then OK. (IB Gateway has the API on; its settings are under ${GATEWAY_API_SETTINGS}.)`,
        `Trust this address: on the same page add ${addr} to Trusted IPs${remote ? ' and uncheck "Allow connections from localhost only"' : ''}.`,
        'Look for an "Accept incoming connection attempt?" dialog in TWS/IB Gateway (it may be behind other windows) and click Accept; adding the address to Trusted IPs stops it from asking.',
      ];
      lines.push(`If TWS or IB Gateway is still starting up or logging in, wait for it and run the checks again (a slower answer can be allowed with --timeout-ms ${inp.timeoutMs * 2}).`);
      if (wsl) lines.push(`From WSL2: uncheck "Allow connections from localhost only" and add the WSL address ${addr} to Trusted IPs (it changes when WSL restarts; mirrored networking avoids that).`);
      return makeCheck('handshake', 'fail', `TCP connects but the API handshake got no server version within ${inp.timeoutMs} ms: API connections are not enabled, ${addr} is not trusted, or an "accept incoming connection" dialog is waiting in TWS.`, {
        evidence,
        cause: 'handshake.no-answer',
        fix: lines.join('\n'),
      });
    }
    case 'closed': {
      evidence.push({ step: sent, detail: `connection closed by TWS after ${o.bytes} bytes, without a server version`, ms: o.ms });
      return makeCheck('handshake', 'fail', `TWS closed the connection without answering the handshake: ${addr} is not allowed to use the API.`, {
        evidence,
        cause: 'handshake.closed',
        fix: [
          `${TWS_API_SETTINGS}: add ${addr} to Trusted IPs${isLoopback(addr) ? '' : ' and uncheck "Allow connections from localhost only"'}; check "Enable ActiveX and Socket Clients".`,
          `${GATEWAY_API_SETTINGS}: the same Trusted IPs and "Allow connections from localhost only" settings.`,
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
