// The trading panel's browser code (filled in by the extension issue).
export {};
