// The extension's one log: a LogOutputChannel, so the user picks the level (Output view >
// "IBKR AI Trader" > Set Log Level). Components write through a prefixed logger.
import * as vscode from 'vscode';

export interface ComponentLog {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export function createLogChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('IBKR AI Trader', { log: true });
}

/** A logger whose lines start with `[component]`. */
export function componentLog(channel: vscode.LogOutputChannel, component: string): ComponentLog {
  const p = `[${component}] `;
  return {
    trace: (m) => channel.trace(p + m),
    debug: (m) => channel.debug(p + m),
    info: (m) => channel.info(p + m),
    warn: (m) => channel.warn(p + m),
    error: (m) => channel.error(typeof m === 'string' ? p + m : `${p}${m.stack ?? m.message}`),
  };
}
