// The header's words for each connection status (the detail from the host follows them, so
// the host's wording test reads these too).
import type { ConnectionStatus } from './protocol';

export const STATUS_TEXT: Readonly<Record<ConnectionStatus, string>> = {
  restricted: 'Restricted Mode',
  off: 'Not connected',
  connecting: 'Connecting…',
  ready: 'Ready',
  reconnecting: 'Reconnecting…',
  failed: 'Connection failed',
};
