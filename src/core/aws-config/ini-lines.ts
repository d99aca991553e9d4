/**
 * Lines of an INI file with their own line endings, so that a file can be cut and put back together byte for
 * byte. Line breaks are what Python's universal newlines see (`\r\n`, `\r`, `\n`), because botocore reads the
 * file that way; the last line may have no ending.
 */
export interface IniLine {
  /** 1-based line number in the file. */
  number: number;
  text: string;
  eol: '' | '\n' | '\r\n' | '\r';
}

export function splitLines(text: string): IniLine[] {
  const lines: IniLine[] = [];
  const re = /\r\n|\r|\n/g;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push({ number: lines.length + 1, text: text.slice(start, m.index), eol: m[0] as IniLine['eol'] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ number: lines.length + 1, text: text.slice(start), eol: '' });
  return lines;
}

export function joinLines(lines: readonly IniLine[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

/** The file's line ending: that of its first line, `\n` for a file with none. */
export function detectEol(text: string): '\n' | '\r\n' {
  const m = /\r\n|\r|\n/.exec(text);
  return m?.[0] === '\r\n' ? '\r\n' : '\n';
}

/** Python's `str.isspace()` per character: JavaScript's whitespace plus the separators 0x1c-0x1f and 0x85. */
function isSpace(c: string): boolean {
  const code = c.charCodeAt(0);
  return (code >= 0x1c && code <= 0x1f) || code === 0x85 || /\s/.test(c);
}

/** Python's `str.strip()`, which configparser applies to every line. */
export function strip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isSpace(s.charAt(start))) start += 1;
  while (end > start && isSpace(s.charAt(end - 1))) end -= 1;
  return s.slice(start, end);
}

export function isComment(text: string): boolean {
  const t = strip(text);
  return t.startsWith('#') || t.startsWith(';');
}

/** The header of a section line (`[profile x]` → `profile x`), as configparser's `\[(?P<header>.+)\]` matches it. */
export function sectionHeader(text: string): string | undefined {
  const m = /^\[(.+)\]/.exec(strip(text));
  return m?.[1];
}

/**
 * The profile a section header names, as botocore reads it: `default`, or `profile NAME` split like a shell
 * word list (`[profile "my name"]` is `my name`). Other sections (`sso-session x`, `services x`) are not profiles.
 */
export function profileNameOf(header: string): string | undefined {
  if (header === 'default') return 'default';
  if (!header.startsWith('profile')) return undefined;
  const words = shellWords(header);
  return words?.length === 2 && words[0] === 'profile' ? words[1] : undefined;
}

/** A minimal POSIX `shlex.split`: whitespace-separated words with single and double quotes; undefined if unbalanced. */
function shellWords(s: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (s[i + 1] === '"' || s[i + 1] === '\\'))
        word = (word ?? '') + s.charAt(++i);
      else word = (word ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word = word ?? '';
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
