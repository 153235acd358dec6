// The webview's one handle on VS Code (acquireVsCodeApi may be called only once): messages to
// the extension host, and the selected tab kept in the webview state so it survives the panel
// being hidden and restored.
import type { Tab, WebviewToHost } from './protocol';
import { isTab } from './validate';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

export function saveTab(tab: Tab): void {
  api.setState({ tab });
}

/** The tab selected before the panel was hidden, if any. */
export function savedTab(): Tab | undefined {
  const s = api.getState();
  return typeof s === 'object' && s !== null && 'tab' in s && isTab(s.tab) ? s.tab : undefined;
}
