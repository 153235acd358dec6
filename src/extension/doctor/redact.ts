// Account ids out of anything a user pastes into a forum or an IBKR ticket: DU1234567
// -> DU****567 (the prefix says paper/live/advisor, the last three digits tell two
// accounts apart; the rest is masked). IBKR account ids are a short letter prefix and
// digits: U (individual), DU (paper), F / DF (advisor master), I / DI (broker master).
const ACCOUNT_ID = /\b(DU|DF|DI|U|F|I)(\d{4,10})\b/g;

/** Masks every account id in `text`, keeping the prefix and the last 3 digits. */
export function redactAccounts(text: string): string {
  return text.replace(ACCOUNT_ID, (_m, prefix: string, digits: string) => prefix + '*'.repeat(digits.length - 3) + digits.slice(-3));
}
