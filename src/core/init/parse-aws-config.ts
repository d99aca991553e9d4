import { CrossbarError } from '../errors.js';

/**
 * A reader for `~/.aws/config`, with line numbers. It follows the rules of the SDK's own parser
 * (@smithy/shared-ini-file-loader, whose `parseIni` is internal and not exported): `#`/`;` comments at the start
 * of a line or after whitespace, `[profile name]` and `[default]` sections, `key =` opening an indented
 * sub-section. Where that parser silently drops what it cannot read, this one reports it, as the AWS CLI does
 * (botocore refuses such files too): a bad file should be one clear error, not a quiet half import.
 */
export type SectionKind = 'default' | 'profile' | 'sso-session' | 'services' | 'other';

export interface ConfigSection {
  kind: SectionKind;
  /** The profile (or sso-session…) name; for `other`, the header text. */
  name: string;
  /** 1-based line of the `[header]`. */
  line: number;
  /** Settings; sub-section keys are `parent.child` (`s3.max_concurrent_requests`). */
  values: Record<string, string>;
}

const HEADER = /^([\w-]+)\s+(["'])?([\w\-@+.%:/]+)\2$/;
const PREFIXED: ReadonlySet<string> = new Set(['profile', 'sso-session', 'services']);

function sectionOf(header: string, line: number): ConfigSection {
  if (header === 'default') return { kind: 'default', name: 'default', line, values: {} };
  const m = HEADER.exec(header);
  const prefix = m?.[1];
  const name = m?.[3];
  if (prefix === undefined || name === undefined || !PREFIXED.has(prefix)) return { kind: 'other', name: header, line, values: {} };
  if (prefix === 'profile') return { kind: name === 'default' ? 'default' : 'profile', name, line, values: {} };
  return { kind: prefix === 'sso-session' ? 'sso-session' : 'services', name, line, values: {} };
}

/** Parses config text into sections; every unreadable line is reported at once in one CONFIG_INVALID error. */
export function parseAwsConfig(text: string, path: string): ConfigSection[] {
  const sections: ConfigSection[] = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let current: ConfigSection | undefined;
  let subSection: string | undefined;
  let orphanReported = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const line = (raw.split(/(?:^|\s)[;#]/)[0] ?? '').trim();
    if (line === '') return;
    const indented = raw.trimStart() !== raw;
    if (line.startsWith('[')) {
      subSection = undefined;
      if (!line.endsWith(']')) {
        problems.push(`${path}:${lineNo}: section header without a closing ']': ${line}`);
        current = undefined;
        return;
      }
      current = sectionOf(line.slice(1, -1).trim(), lineNo);
      const key = `${current.kind} ${current.name}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) problems.push(`${path}:${lineNo}: [${line.slice(1, -1).trim()}] is defined twice (first at line ${earlier}); the AWS CLI refuses this file`);
      seen.set(key, lineNo);
      sections.push(current);
      return;
    }
    const eq = line.indexOf('=');
    if (current === undefined) {
      if (!orphanReported) problems.push(`${path}:${lineNo}: a setting before any [profile …] section: ${line}`);
      orphanReported = true;
      return;
    }
    if (eq <= 0) {
      // An indented line without '=' continues the previous value (configparser's multi-line values).
      if (!indented) problems.push(`${path}:${lineNo}: expected 'key = value' in [${current.kind === 'profile' ? `profile ${current.name}` : current.name}], found: ${line}`);
      return;
    }
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (value === '') {
      subSection = name;
      return;
    }
    if (subSection !== undefined && !indented) subSection = undefined;
    current.values[subSection === undefined ? name : `${subSection}.${name}`] = value;
  });
  if (problems.length > 0) {
    throw new CrossbarError('CONFIG_INVALID', problems.join('\n'), {
      hint: `Fix ${problems.length === 1 ? 'this line' : `these ${problems.length} lines`} of ${path} (the AWS CLI cannot read it either), then run init again`,
    });
  }
  return sections;
}
