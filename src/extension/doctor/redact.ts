// Account ids out of anything a user pastes into a forum or an IBKR ticket: DU1234567
// -> DU****567 (the prefix says paper/live/advisor, the last three digits tell two
// accounts apart; the rest is masked); and the home folder (it holds the user name) as ~. IBKR account ids are a short letter prefix and
// digits: U (individual), DU (paper), F / DF (advisor master), I / DI (broker master).
import { homedir } from 'node:os';

const ACCOUNT_ID = /\b(DU|DF|DI|U|F|I)(\d{4,10})\b/g;

/** Masks every account id in `text`, keeping the prefix and the last 3 digits. */
export function redactAccounts(text: string): string {
  return text.replace(ACCOUNT_ID, (_m, prefix: string, digits: string) => prefix + '*'.repeat(digits.length - 3) + digits.slice(-3));
}

/** Account ids masked, and the home folder written as ~ (paths such as the .env's carry the user name). */
export function redactForSharing(text: string, home: string = homedir()): string {
  const masked = redactAccounts(text);
  if (home.length <= 1) return masked;
  // The folder itself, not a longer name that starts like it (/home/jo vs /home/joe).
  const escaped = home.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return masked.replace(new RegExp(`${escaped}(?![\\w.-])`, 'g'), '~');
}
