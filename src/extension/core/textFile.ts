// Text the user's tools wrote: editors on Windows (Notepad, PowerShell's Out-File) save UTF-8
// with a byte-order mark, which JSON.parse refuses and dotenv takes as part of the first key.
// Every user file (model manifests, .env, journals) is read through here.

const BOM = '\uFEFF';

/** The text without a leading UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/** JSON.parse of a user file's text, tolerating a byte-order mark. */
export function parseJsonText(text: string): unknown {
  return JSON.parse(stripBom(text));
}
