// The connection configuration resolver moved to config/connectionConfig.ts (the session
// CLI, the setup checks and the extension share it); re-exported for the checks.
export * from '../config/connectionConfig';
