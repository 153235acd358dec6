// Check 6, account: the managed accounts TWS reported, paper (D...) or live, and
// whether that matches the port and the configured mode and allow-live.
import { describePort, isLivePort, isPaperPort, PORT_MEANINGS } from '../tws/fixes';
import { makeCheck, type Check, type Evidence } from './types';

/** Paper accounts start with D (DU individual, DF advisor master, DI ...); live ones do not. */
export function isPaperAccount(id: string): boolean {
  return /^D[A-Z]*\d+/.test(id);
}

export interface AccountCheckInput {
  accounts: string[];
  port: number;
  /** Configured mode (explicit), if any. */
  mode?: 'paper' | 'live';
  allowLive: boolean;
  /** ms at which managedAccounts arrived (evidence). */
  ms?: number;
}

export function accountCheck(inp: AccountCheckInput): Check {
  const evidence: Evidence[] = [{ step: 'managedAccounts', detail: inp.accounts.length ? inp.accounts.join(', ') : '(none)', ms: inp.ms ?? 0 }];
  if (!inp.accounts.length) {
    return makeCheck('account', 'warn', 'TWS reported no managed accounts.', {
      evidence,
      cause: 'account.none',
      fix: 'Finish logging in to TWS/IB Gateway (a session still loading reports no accounts), then run the checks again.',
    });
  }
  const live = inp.accounts.filter((a) => !isPaperAccount(a));
  const kind = live.length ? 'live' : 'paper';
  const list = inp.accounts.join(', ');
  const meaning = PORT_MEANINGS[inp.port];
  const app = meaning?.app ?? 'TWS';
  const paperPort = app === 'TWS' ? 7497 : 4002;
  if (kind === 'live') {
    if (!inp.allowLive) {
      return makeCheck('account', 'fail', `Live account ${live.join(', ')} on port ${describePort(inp.port)}, but live trading is not enabled.`, {
        evidence,
        cause: 'account.live-not-allowed',
        fix: [
          `For paper trading: log in to ${app} with your paper account (login screen: "Paper Trading") and set IBKR_PORT=${paperPort} (or ibkrAi.port).`,
          'To trade live on purpose: set IBKR_ALLOW_LIVE=true in .env (or the VS Code setting ibkrAi.allowLive); each live session still asks for confirmation.',
        ].join('\n'),
      });
    }
    if (inp.mode === 'paper') {
      return makeCheck('account', 'fail', `Mode is paper, but TWS is logged in to live account ${live.join(', ')}.`, {
        evidence,
        cause: 'account.mode-mismatch',
        fix: `Log in to ${app} with the paper account (login screen: "Paper Trading"), or set IBKR_MODE=live to trade live on purpose.`,
      });
    }
    if (isPaperPort(inp.port)) {
      return makeCheck('account', 'warn', `Live account ${live.join(', ')} on ${describePort(inp.port)}, the paper port by convention.`, {
        evidence,
        cause: 'account.port-mismatch',
        fix: `Nothing blocks this, but the port suggests paper: check ${app} is the session you mean to trade (live ports: 7496 TWS, 4001 IB Gateway).`,
      });
    }
    return makeCheck('account', 'pass', `LIVE account ${live.join(', ')} (live trading enabled).`, { evidence });
  }
  if (inp.mode === 'live') {
    return makeCheck('account', 'warn', `Mode is live, but TWS is logged in to paper account ${list}.`, {
      evidence,
      cause: 'account.mode-mismatch',
      fix: `Set IBKR_MODE=paper, or log in to ${app} with the live account.`,
    });
  }
  if (isLivePort(inp.port)) {
    return makeCheck('account', 'warn', `Paper account ${list} on ${describePort(inp.port)}, the live port by convention.`, {
      evidence,
      cause: 'account.port-mismatch',
      fix: `Use the paper port: in ${app} set the Socket port to ${paperPort} (${app === 'TWS' ? 'File > Global Configuration > API > Settings' : 'Configure > Settings > API > Settings'}) and IBKR_PORT=${paperPort}.`,
    });
  }
  return makeCheck('account', 'pass', `Paper account ${list}${meaning ? ` on ${describePort(inp.port)}` : ''}.`, { evidence });
}
