/**
 * Quotes one word of a `credential_process` command line. botocore splits the line with Python's
 * `shlex.split` and the JavaScript SDK hands it to `/bin/sh`; single quotes mean the same to both (no escapes
 * inside), so a word with anything unusual is single-quoted and an embedded `'` becomes `'"'"'`.
 */
const SAFE = /^[\w@%+=:,./-]+$/;

export function quoteShellWord(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

export function shellCommand(words: readonly string[]): string {
  return words.map(quoteShellWord).join(' ');
}
