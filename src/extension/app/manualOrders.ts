// Manual orders in the extension: the settings they obey (the sessions' ibkrAi.risk.* and
// journal folder, ibkrAi.allowLive) read into one config with every bad value named, the
// manual order desk on the trader's connection (one per connection, remade when the
// settings change), and "flatten the AI session's book" beside the kill switch. No vscode.
import { isAbsolute, resolve } from 'node:path';
import type { BrokerClient } from '../broker/brokerClient';
import type { KillReport } from '../session/killSwitch';
import type { ManualOrderDesk } from '../session/manualOrders';
import { TICKET_SYMBOL } from '../trading/orderTicket';
import { parseRiskOptions, type RiskLimits } from '../trading/riskLimits';
import type { Trader } from './trader';

export interface ManualDeskConfig {
  readonly journalDir: string;
  readonly risk: RiskLimits;
  readonly allowLive: boolean;
}

const RISK_SETTINGS = {
  maxOrderQuantity: 'ibkrAi.risk.maxOrderQuantity',
  maxPosition: 'ibkrAi.risk.maxPosition',
  maxNotional: 'ibkrAi.risk.maxNotional',
  maxOrdersPerMinute: 'ibkrAi.risk.maxOrdersPerMinute',
  dailyLossLimit: 'ibkrAi.risk.dailyLossLimit',
  stopLossPct: 'ibkrAi.risk.stopLossPct',
  anyHours: 'ibkrAi.risk.anyHours',
} as const;

/**
 * The manual desk's config from settings (`ibkrAi.*` keys to values) and the target's
 * allowLive; problems name the setting and what is valid. `cwd`: the workspace folder the
 * journal folder is relative to.
 */
export function manualDeskConfig(
  settings: Readonly<Record<string, unknown>>,
  allowLive: boolean,
  cwd: string,
): { config?: ManualDeskConfig; problems: string[] } {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(RISK_SETTINGS)) input[key] = settings[setting];
  const parsed = parseRiskOptions(input);
  for (const p of parsed.problems) problems.push(`${RISK_SETTINGS[p.key]}: ${p.message}`);
  let symbolAllowlist: string[] | undefined;
  const list = settings['ibkrAi.risk.symbolAllowlist'];
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || !TICKET_SYMBOL.test(s.trim().toUpperCase())))
      problems.push(`ibkrAi.risk.symbolAllowlist: ${JSON.stringify(list)} is not a list of symbols (valid: e.g. ["NVDA", "MSFT"]; empty allows any)`);
    else if (list.length) symbolAllowlist = (list as string[]).map((s) => s.trim().toUpperCase());
  }
  const dir = settings['ibkrAi.session.journalDir'];
  if (dir !== undefined && dir !== null && (typeof dir !== 'string' || dir.trim() === ''))
    problems.push(`ibkrAi.session.journalDir: ${JSON.stringify(dir)} is not a folder (valid: a path; empty means "journal" in the workspace)`);
  if (problems.length) return { problems };
  const text = typeof dir === 'string' && dir.trim() ? dir.trim() : 'journal';
  const journalDir = isAbsolute(text) ? text : resolve(cwd, text);
  const risk: RiskLimits = { ...parsed.limits, ...(symbolAllowlist ? { symbolAllowlist } : {}) };
  return { config: { journalDir, risk, allowLive }, problems };
}

/** The desk on the trader's connection, and the book's flatten. */
export class ManualOrders {
  private current: { broker: BrokerClient; key: string; desk: ManualOrderDesk } | undefined;

  constructor(
    private readonly trader: Trader,
    private readonly log: (level: 'info' | 'warn', message: string) => void,
  ) {}

  /** The desk for `config` on the ready connection; undefined when not connected. */
  async desk(config: ManualDeskConfig): Promise<ManualOrderDesk | undefined> {
    const broker = this.trader.brokerClient;
    if (!broker?.isReady) return undefined;
    const key = JSON.stringify(config);
    if (this.current && this.current.broker === broker && this.current.key === key) return this.current.desk;
    this.current?.desk.dispose();
    const { ManualOrderDesk } = await import('../session/manualOrders');
    const desk = new ManualOrderDesk({ broker, ...config, log: this.log });
    this.current = { broker, key, desk };
    return desk;
  }

  /**
   * Flattens the AI session's book only: the session stops, cancels its working orders and
   * closes the shares its own orders bought (never more than TWS holds); everything held
   * outside the book, and orders placed by hand, stay. Undefined when no session runs.
   */
  async flattenBook(reason = 'pressed in VS Code'): Promise<KillReport | undefined> {
    const session = this.trader.activeSession;
    if (!session) return undefined;
    this.log('warn', `flattening the AI session's book: ${reason}`);
    return session.kill({ reason, flatten: true, by: 'Flatten Book' });
  }

  dispose(): void {
    this.current?.desk.dispose();
    this.current = undefined;
  }
}
