// Public API of the setup checks, for the CLI and the extension's panel.
export { runChecks, DEFAULT_TIMEOUT_MS, type DoctorOptions } from './runChecks';
export { formatJson, formatText, displayOrder } from './formatReport';
export { formatMarkdown, thisOrigin, type ReportOrigin } from './markdownReport';
export { redactAccounts } from './redact';
export {
  CHECK_IDS,
  CHECK_TITLES,
  verdictOf,
  type Check,
  type CheckId,
  type CheckStatus,
  type Evidence,
  type Report,
  type ServerInfo,
  type Verdict,
} from './types';
