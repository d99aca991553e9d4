import { CrossbarError } from '../errors.js';
import { isComment, sectionHeader, splitLines, strip } from './ini-lines.js';

/**
 * Checks that an AWS config file parses the way the AWS CLI reads it: botocore uses Python's
 * `configparser.RawConfigParser` (strict), which refuses what the JavaScript SDK's `parseIni` silently skips.
 * A file either tool would misread is reported, with its line, instead of being rewritten.
 */
export interface IniProblem {
  line: number;
  message: string;
}

const OPTION = /^(.*?)\s*[=:]\s*(.*)$/;
/** The JavaScript SDK throws on these (prototype pollution guard). */
const FORBIDDEN_SECTIONS = new Set(['__proto__', 'profile __proto__']);

export function findIniProblems(text: string): IniProblem[] {
  const problems: IniProblem[] = [];
  const seenSections = new Set<string>();
  const seenOptions = new Set<string>();
  let section: string | undefined;
  let option: { name: string; nested: boolean } | undefined;
  let indent = 0;
  for (const { number, text: raw } of splitLines(text.replace(/^\uFEFF/, ''))) {
    // configparser skips comment lines and blank lines without ending the current value.
    if (isComment(raw) || strip(raw) === '') continue;
    const value = strip(raw);
    const lineIndent = raw.search(/\S/);
    if (section !== undefined && option && lineIndent > indent) {
      // botocore reads `key =` followed by indented lines as a nested `name = value` block.
      if (option.nested && !value.includes('='))
        problems.push({ line: number, message: `the nested value of '${option.name}' needs 'name = value' lines` });
      continue;
    }
    indent = lineIndent;
    const header = sectionHeader(value);
    if (header !== undefined) {
      if (FORBIDDEN_SECTIONS.has(header)) problems.push({ line: number, message: `invalid section name [${header}]` });
      else if (seenSections.has(header) && header !== 'DEFAULT')
        problems.push({ line: number, message: `section [${header}] appears twice` });
      seenSections.add(header);
      section = header;
      option = undefined;
      continue;
    }
    if (section === undefined) {
      problems.push({ line: number, message: 'a setting comes before any [section] header' });
      continue;
    }
    const m = OPTION.exec(value);
    const name = m?.[1]?.trimEnd().toLowerCase();
    if (!m || !name) {
      problems.push({
        line: number,
        message: 'the line is neither a [section], a key = value, a comment nor an indented continuation',
      });
      option = undefined;
      continue;
    }
    const key = `${section}\u0000${name}`;
    if (seenOptions.has(key)) problems.push({ line: number, message: `'${name}' is set twice in [${section}]` });
    seenOptions.add(key);
    option = { name, nested: (m[2] ?? '') === '' };
  }
  return problems;
}

/** Throws CONFIG_INVALID naming `path:line` for the first problem; nothing should be written after that. */
export function validateAwsConfig(text: string, path: string): void {
  const problems = findIniProblems(text);
  const first = problems[0];
  if (!first) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new CrossbarError(
    'CONFIG_INVALID',
    `${path}:${first.line}: cannot parse the AWS config file: ${first.message}${more}`,
    {
      hint: 'The AWS CLI cannot read this file either. Fix that line (or set AWS_CONFIG_FILE to another file) and run crossbar aws-config again; nothing was written.',
    },
  );
}
