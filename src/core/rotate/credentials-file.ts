import { CrossbarError } from '../errors.js';

/**
 * The shared credentials file (~/.aws/credentials) as text, edited in place: a rotation replaces the two values of
 * one profile and leaves every other byte as it was (comments, other profiles, their order, blank lines, CRLF).
 * An ini library would re-serialise the whole file and lose exactly what a person wrote by hand.
 */
export interface ProfileKeys {
  accessKeyId: string;
  /** The profile also holds aws_session_token: its keys are temporary, not an IAM user's. */
  hasSessionToken: boolean;
}

const SECTION = /^\s*\[\s*([^\]]*?)\s*\]\s*(?:[#;].*)?$/;
const COMMENT = /^\s*[#;]/;

interface Line {
  text: string;
  /** The section the line belongs to (undefined before the first header). */
  section: string | undefined;
  key?: string;
  /** Where the value starts and ends in `text`, for a `key = value` line. */
  valueAt?: [number, number];
}

function parseLines(text: string): Line[] {
  let section: string | undefined;
  return text.split('\n').map((text): Line => {
    const header = SECTION.exec(text);
    if (header) {
      section = header[1] ?? '';
      return { text, section: undefined };
    }
    if (COMMENT.test(text)) return { text, section };
    const m = /^(\s*([A-Za-z0-9_.-]+)\s*=\s*)(.*?)(\s*)$/.exec(text);
    if (!m) return { text, section };
    const start = (m[1] ?? '').length;
    return {
      text,
      section,
      key: (m[2] ?? '').toLowerCase(),
      valueAt: [start, start + (m[3] ?? '').length],
    };
  });
}

function valueOf(line: Line): string {
  return line.valueAt ? line.text.slice(...line.valueAt) : '';
}

function sectionCount(lines: readonly Line[], profile: string): number {
  return lines.filter((l) => l.section === undefined && SECTION.exec(l.text)?.[1] === profile).length;
}

/** The access key id of `[profile]`, or undefined when the file has no such profile or it holds no key. */
export function readProfileKeys(text: string, profile: string): ProfileKeys | undefined {
  const lines = parseLines(text).filter((l) => l.section === profile);
  const id = lines.find((l) => l.key === 'aws_access_key_id');
  if (!id) return undefined;
  return { accessKeyId: valueOf(id), hasSessionToken: lines.some((l) => l.key === 'aws_session_token') };
}

export interface NewKey {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * The file with `[profile]`'s aws_access_key_id and aws_secret_access_key replaced, and nothing else changed. It
 * must hold `oldKeyId` there (someone may have edited the file since it was read): otherwise nothing is replaced
 * and the caller learns why.
 */
export function replaceProfileKeys(text: string, profile: string, oldKeyId: string, key: NewKey): string {
  const lines = parseLines(text);
  if (sectionCount(lines, profile) !== 1)
    throw new CrossbarError('CONFLICT', `[${profile}] appears ${sectionCount(lines, profile)} times in the file`, {
      hint: 'keep one [' + profile + '] section in the credentials file, then run crossbar rotate again',
    });
  const mine = lines.filter((l) => l.section === profile);
  const [idLine, ...moreIds] = mine.filter((l) => l.key === 'aws_access_key_id');
  const [secretLine, ...moreSecrets] = mine.filter((l) => l.key === 'aws_secret_access_key');
  if (!idLine || !secretLine || moreIds.length > 0 || moreSecrets.length > 0 || valueOf(idLine) !== oldKeyId)
    throw new CrossbarError('CONFLICT', `[${profile}] no longer holds the key ${oldKeyId} alone`, {
      hint: 'the credentials file changed while crossbar rotate ran: check it, then run crossbar rotate again',
    });
  const replaced = new Map<Line, string>([
    [idLine, key.accessKeyId],
    [secretLine, key.secretAccessKey],
  ]);
  return lines
    .map((line) => {
      const value = replaced.get(line);
      if (value === undefined || !line.valueAt) return line.text;
      return line.text.slice(0, line.valueAt[0]) + value + line.text.slice(line.valueAt[1]);
    })
    .join('\n');
}
