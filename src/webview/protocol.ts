// Typed messages between the extension host and the trading panel (types only).
export type HostToWebview = { type: 'snapshot' };
export type WebviewToHost = { type: 'ready' };
