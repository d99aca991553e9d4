import { CrossbarError } from '../errors.js';
import { detectEol, profileNameOf, sectionHeader, splitLines, strip, type IniLine } from './ini-lines.js';
import { validateAwsConfig } from './validate-aws-config.js';

/**
 * crossbar owns one marked block of `~/.aws/config` and nothing else: every byte outside the block comes
 * through unchanged (comments, blank lines, CRLF, a missing final newline, the user's own profiles). A profile
 * crossbar wants that the user already defines outside the block is a conflict, never silently shadowed.
 */
export const BLOCK_BEGIN = '# >>> crossbar managed profiles >>>';
export const BLOCK_END = '# <<< crossbar managed profiles <<<';
export const BLOCK_NOTICE = '# Written by crossbar: do not edit; regenerate with crossbar aws-config';

export interface MergeOptions {
  /** Remove profiles in the block whose account is no longer in the registry (otherwise they stay, as stale). */
  prune?: boolean;
  /** The file's path, for messages. */
  path?: string;
}

export interface MergeResult {
  text: string;
  added: string[];
  changed: string[];
  /** Profiles dropped from the block: roles no longer configured, renamed profiles, and pruned accounts. */
  removed: string[];
  /** Profiles kept in the block although their account left the registry; `prune` removes them. */
  stale: string[];
}

interface Section {
  name: string;
  /** The account id from the `# crossbar:` marker, else from `role_arn`. */
  accountId: string | undefined;
  lines: string[];
}

export function mergeManagedBlock(existingText: string, profilesText: string, options: MergeOptions = {}): MergeResult {
  const path = options.path ?? '~/.aws/config';
  validateAwsConfig(existingText, path);
  const lines = splitLines(existingText);
  const block = findBlock(lines, path);
  const outside = block ? [...lines.slice(0, block.begin), ...lines.slice(block.end + 1)] : lines;
  const wanted = parseSections(splitLines(profilesText).map((l) => l.text));
  checkConflicts(wanted, outside, path);

  const previous = block ? parseSections(lines.slice(block.begin + 1, block.end).map((l) => l.text)) : [];
  const wantedNames = new Set(wanted.map((s) => s.name));
  const registryAccounts = new Set(wanted.flatMap((s) => (s.accountId ? [s.accountId] : [])));
  const before = new Map(previous.map((s) => [s.name, s]));
  const leftovers = previous.filter((s) => !wantedNames.has(s.name));
  // A leftover whose account cannot be told is kept: crossbar never drops what it cannot attribute.
  const keptProfiles = options.prune
    ? []
    : leftovers.filter((s) => !isSsoSession(s) && (s.accountId === undefined || !registryAccounts.has(s.accountId)));
  // An [sso-session] section of the block stays while a profile that stays uses it.
  const usedSessions = new Set([...wanted, ...keptProfiles].flatMap(ssoSessionsUsed));
  const kept = [...keptProfiles, ...leftovers.filter((s) => isSsoSession(s) && usedSessions.has(s.name))];

  const eol = detectEol(existingText);
  const blockText = renderBlock([...wanted, ...kept], eol);
  let text: string;
  if (block) {
    text = joinText(lines.slice(0, block.begin)) + blockText + joinText(lines.slice(block.end + 1));
  } else if (existingText === '') {
    text = blockText;
  } else {
    text = existingText + (/[\r\n]$/.test(existingText) ? '' : eol) + eol + blockText;
  }
  return {
    text,
    added: wanted.filter((s) => !before.has(s.name)).map((s) => s.name),
    changed: wanted
      .filter((s) => {
        const old = before.get(s.name);
        return old !== undefined && sectionText(old) !== sectionText(s);
      })
      .map((s) => s.name),
    removed: leftovers.filter((s) => !kept.includes(s)).map((s) => s.name),
    stale: kept.map((s) => s.name),
  };
}

function joinText(lines: readonly IniLine[]): string {
  return lines.map((l) => l.text + l.eol).join('');
}

function renderBlock(sections: readonly Section[], eol: string): string {
  const body = sections.map((s) => s.lines.join(eol)).join(eol + eol);
  return [BLOCK_BEGIN, BLOCK_NOTICE, ...(body ? ['', body] : []), BLOCK_END].join(eol) + eol;
}

function sectionText(s: Section): string {
  return s.lines.map((l) => l.trimEnd()).join('\n');
}

/** The begin and end marker lines (0-based indexes); one pair at most, in order. */
function findBlock(lines: readonly IniLine[], path: string): { begin: number; end: number } | undefined {
  const begins = lines.filter((l) => strip(l.text) === BLOCK_BEGIN);
  const ends = lines.filter((l) => strip(l.text) === BLOCK_END);
  if (begins.length === 0 && ends.length === 0) return undefined;
  const [begin] = begins;
  const [end] = ends;
  const broken = (line: number, what: string) =>
    new CrossbarError('CONFIG_INVALID', `${path}:${line}: crossbar's managed block is damaged: ${what}`, {
      hint: `Keep exactly one '${BLOCK_BEGIN}' line and one '${BLOCK_END}' line after it (or delete both and everything between), then run crossbar aws-config again; nothing was written.`,
    });
  if (begins.length > 1) throw broken(begins[1]?.number ?? 0, 'a second begin marker');
  if (ends.length > 1) throw broken(ends[1]?.number ?? 0, 'a second end marker');
  if (!begin) throw broken(end?.number ?? 0, 'an end marker without a begin marker');
  if (!end) throw broken(begin.number, 'a begin marker without an end marker');
  if (end.number < begin.number) throw broken(end.number, 'the end marker comes before the begin marker');
  return { begin: begin.number - 1, end: end.number - 1 };
}

/** Sections of a text, each from its header to the line before the next one, trailing blank lines dropped. */
function parseSections(lines: readonly string[]): Section[] {
  const sections: Section[] = [];
  let current: Section | undefined;
  for (const line of lines) {
    const header = sectionHeader(line);
    if (header !== undefined) {
      current = {
        name: profileNameOf(header) ?? ssoSessionHeader(header) ?? header,
        accountId: undefined,
        lines: [line],
      };
      sections.push(current);
    } else if (current) {
      current.lines.push(line);
    }
  }
  for (const s of sections) {
    while (s.lines.length > 1 && strip(s.lines[s.lines.length - 1] ?? '') === '') s.lines.pop();
    s.accountId = accountIdOf(s.lines);
  }
  return sections;
}

const SSO_SESSION_HEADER = /^sso-session\s+/;

function isSsoSession(s: Section): boolean {
  return SSO_SESSION_HEADER.test(s.name);
}

/** The `[sso-session NAME]` section names a profile's `sso_session = NAME` points to. */
function ssoSessionsUsed(s: Section): string[] {
  return s.lines.flatMap((line) => {
    const m = /^sso_session\s*[=:]\s*(\S+)/.exec(strip(line));
    return m?.[1] ? [`sso-session ${m[1]}`] : [];
  });
}

function ssoSessionHeader(header: string): string | undefined {
  const words = header.trim().split(/\s+/);
  return words.length === 2 && words[0] === 'sso-session' ? `sso-session ${words[1]}` : undefined;
}

function accountIdOf(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    const marker = /^#\s*crossbar:\s*account\s+(\d{12})\b/.exec(strip(line));
    if (marker) return marker[1];
  }
  for (const line of lines) {
    const arn = /^role_arn\s*[=:]\s*arn:[\w-]+:iam::(\d{12}):/.exec(strip(line));
    if (arn) return arn[1];
  }
  return undefined;
}

function checkConflicts(wanted: readonly Section[], outside: readonly IniLine[], path: string): void {
  const defined = new Map<string, number>();
  for (const line of outside) {
    const header = sectionHeader(line.text);
    // Profiles by name, and [sso-session NAME] sections by their header: a second one would break the file.
    const name = header === undefined ? undefined : (profileNameOf(header) ?? ssoSessionHeader(header));
    if (name !== undefined && !defined.has(name)) defined.set(name, line.number);
  }
  const clashes = wanted.flatMap((s) => {
    const line = defined.get(s.name);
    return line === undefined ? [] : [{ name: s.name, line }];
  });
  const [first] = clashes;
  if (!first) return;
  if (first.name.startsWith('sso-session '))
    throw new CrossbarError(
      'CONFIG_INVALID',
      `${path}:${first.line}: [${first.name}] is already defined outside crossbar's managed block`,
      {
        hint: `Delete your own [${first.name}] section (crossbar writes the same one from crossbar.yaml), or set another sso.session name in crossbar.yaml; nothing was written.`,
      },
    );
  const others = clashes.slice(1).map((c) => `'${c.name}' (line ${c.line})`);
  throw new CrossbarError(
    'CONFIG_INVALID',
    `${path}:${first.line}: profile '${first.name}' is already defined outside crossbar's managed block${others.length ? `; so are ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}` : ''}`,
    {
      hint: 'crossbar will not shadow your own profiles: rename or delete them, or change defaults.profile_pattern; nothing was written.',
    },
  );
}
