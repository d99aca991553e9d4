import { findIniProblems } from '../aws-config/validate-aws-config.js';
import { CrossbarError } from '../errors.js';

/**
 * A reader for `~/.aws/config`, with line numbers. A file the AWS CLI would refuse (botocore's strict
 * configparser) is refused first, every problem at once, by the same check `crossbar aws-config` uses; the
 * JavaScript SDK would silently drop such lines, and a quiet half import helps nobody. The values are then
 * read by the rules of the SDK's own parser (@smithy/shared-ini-file-loader, whose `parseIni` is internal):
 * `#`/`;` comments at the start of a line or after whitespace, `[profile name]` and `[default]` sections,
 * `key =` opening an indented sub-section.
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
  if (prefix === undefined || name === undefined || !PREFIXED.has(prefix))
    return { kind: 'other', name: header, line, values: {} };
  if (prefix === 'profile') return { kind: name === 'default' ? 'default' : 'profile', name, line, values: {} };
  return { kind: prefix === 'sso-session' ? 'sso-session' : 'services', name, line, values: {} };
}

/** Refuses what the AWS CLI cannot read, naming `path:line` for each problem. */
function checkParsable(text: string, path: string): void {
  const problems = findIniProblems(text);
  if (problems.length === 0) return;
  throw new CrossbarError('CONFIG_INVALID', problems.map((p) => `${path}:${p.line}: ${p.message}`).join('\n'), {
    hint: `Fix ${problems.length === 1 ? 'this line' : `these ${problems.length} lines`} of ${path} (the AWS CLI cannot read it either), then run init again`,
  });
}

/** `key = value`, or configparser's `key: value`: whichever delimiter comes first. */
function splitSetting(line: string): { name: string; value: string } | undefined {
  const eq = line.indexOf('=');
  const colon = line.indexOf(':');
  const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  if (at <= 0) return undefined;
  return { name: line.slice(0, at).trim(), value: line.slice(at + 1).trim() };
}

/** Parses config text into sections; a file the AWS CLI cannot read is one CONFIG_INVALID error. */
export function parseAwsConfig(text: string, path: string): ConfigSection[] {
  checkParsable(text, path);
  const sections: ConfigSection[] = [];
  let current: ConfigSection | undefined;
  let subSection: string | undefined;
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = (raw.split(/(?:^|\s)[;#]/)[0] ?? '').trim();
      if (line === '') return;
      if (line.startsWith('[') && line.endsWith(']')) {
        subSection = undefined;
        current = sectionOf(line.slice(1, -1).trim(), index + 1);
        sections.push(current);
        return;
      }
      const setting = splitSetting(line);
      // An indented line without a delimiter continues the previous value (configparser's multi-line values).
      if (current === undefined || setting === undefined) return;
      if (setting.value === '') {
        subSection = setting.name;
        return;
      }
      if (subSection !== undefined && raw.trimStart() === raw) subSection = undefined;
      current.values[subSection === undefined ? setting.name : `${subSection}.${setting.name}`] = setting.value;
    });
  return sections;
}
