import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { CrossbarError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { closest } from '../suggest.js';
import { assignSources } from './assign-sources.js';

export { closest } from '../suggest.js';

/** One problem in a config file, located: `file:line:col path: message`. */
export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  path: string;
  message: string;
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.col} ${p.path || '(root)'}: ${p.message}`;
}

function locate(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): { line: number; col: number } {
  // Walk up the path until a node exists (a missing key is reported at its parent).
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = doc.getIn(
      path.slice(0, depth).map((k) => (typeof k === 'symbol' ? String(k) : k)),
      true,
    );
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return { line: 1, col: 1 };
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

/** Parses and validates config text. Every problem is collected; none stops the others from being found. */
export function parseConfig(
  text: string,
  file: string,
): { config: Config; problems: [] } | { config?: undefined; problems: ConfigProblem[] } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          col: pos.col,
          path: '',
          message: `YAML: ${e.message.split('\n')[0] ?? e.message}`,
        };
      }),
    };
  }
  let value: unknown;
  try {
    // An alias bomb (a billion laughs) expands exponentially: the yaml library stops it at MAX_ALIASES.
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    return { problems: [{ file, ...firstAlias(doc, counter), path: '', message: ALIAS_MESSAGE }] };
  }
  const result = configSchema.safeParse(value ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => toProblem(doc, counter, file, issue));
    return { problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
  }
  const semantic = checkReferences(result.data).map((p) => ({
    file,
    ...locate(doc, counter, p.path),
    path: pathText(p.path),
    message: p.other ? `${p.message}; the other is at line ${locate(doc, counter, p.other).line}` : p.message,
  }));
  if (semantic.length > 0) return { problems: semantic };
  return { config: result.data, problems: [] };
}

/** More alias expansions than any hand-written crossbar.yaml needs: past this, the file is an attack or a mistake. */
export const MAX_ALIASES = 100;
const ALIAS_MESSAGE = `YAML: aliases (*name) expand past ${MAX_ALIASES} nodes, as an alias bomb does: write the values out, or use fewer aliases`;

function firstAlias(doc: Document, counter: LineCounter): { line: number; col: number } {
  let at: number | undefined;
  visit(doc, {
    Alias(_, node) {
      at = node.range?.[0];
      return visit.BREAK;
    },
  });
  if (at === undefined) return { line: 1, col: 1 };
  const pos = counter.linePos(at);
  return { line: pos.line, col: pos.col };
}

function toProblem(doc: Document, counter: LineCounter, file: string, issue: z.core.$ZodIssue): ConfigProblem {
  const path = issue.path;
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') {
    const allowed = knownKeysAt(path);
    message = issue.keys
      .map((k) => {
        const near = closest(k, allowed);
        return `unknown key '${k}'${near ? ` (did you mean '${near}'?)` : ''}`;
      })
      .join('; ');
  }
  return { file, ...locate(doc, counter, path), path: pathText(path), message };
}

const KEYS: Record<string, string[]> = {
  root: ['organization', 'source', 'sources', 'defaults', 'accounts', 'workspaces', 'shortcuts', 'endpoint'],
  account: ['id', 'name', 'alias', 'stage', 'color', 'tags', 'ou', 'regions', 'external_id', 'source', 'roles'],
  role: ['name', 'arn', 'external_id', 'mfa', 'duration', 'confirm', 'via', 'permission_set'],
  defaults: ['role', 'regions', 'profile_pattern', 'duration', 'source'],
  source: ['profile', 'mfa_serial', 'region', 'identity', 'sso'],
  sources: ['profile', 'mfa_serial', 'region', 'identity', 'sso', 'accounts'],
  sso: ['start_url', 'region', 'session', 'account', 'role'],
  shortcut: ['name', 'account', 'role', 'region'],
  workspace: ['name', 'accounts', 'source', 'members'],
};

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const [first, second, third] = path;
  if (path.length === 0) return KEYS['root'] ?? [];
  if ((first === 'source' && second === 'sso') || (first === 'sources' && third === 'sso')) return KEYS['sso'] ?? [];
  if (first === 'accounts' && path.length === 2) return KEYS['account'] ?? [];
  if (first === 'accounts' && third === 'roles') return KEYS['role'] ?? [];
  if (first === 'shortcuts') return KEYS['shortcut'] ?? [];
  if (first === 'workspaces') return KEYS['workspace'] ?? [];
  return KEYS[String(first)] ?? [];
}

interface Reference {
  path: (string | number)[];
  message: string;
  /** Another place the message names (`line N` is filled in once the document is at hand). */
  other?: (string | number)[];
}

/**
 * A workspace's terms that name one account (no glob, no key, not `all`) must name a known one: a typo there
 * would silently give the workspace one account less.
 */
function plainNames(selector: string): string[] {
  return selector
    .split(',')
    .map((t) => t.trim().replace(/^!/, ''))
    .filter((t) => t !== '' && t !== 'all' && !/[*?=:]/.test(t));
}

/** Cross-references zod cannot see: duplicate accounts, shortcuts and workspaces naming unknown accounts. */
function checkReferences(config: Config): Reference[] {
  const problems: Reference[] = [];
  const seenNames = new Map<string, number>();
  const seenIds = new Map<string, number[]>();
  config.accounts.forEach((a, i) => {
    const dupName = seenNames.get(a.name);
    if (dupName !== undefined)
      problems.push({
        path: ['accounts', i, 'name'],
        message: `account name '${a.name}' is already used by accounts[${dupName}]`,
      });
    seenNames.set(a.name, i);
    // The same id may appear twice on purpose only as seed 003's single-account "virtual root": one entry per
    // stage (a stage of its own, or none for the root itself). Two entries of one id and one stage are the same
    // account listed twice (a copied block whose id was not changed).
    // The same account reached from two sources (two identities) is two entries too: each says its source.
    const same = (seenIds.get(a.id) ?? []).find(
      (j) => config.accounts[j]?.stage === a.stage && config.accounts[j]?.source === a.source,
    );
    const prior = same === undefined ? undefined : config.accounts[same];
    if (prior && same !== undefined)
      problems.push({
        path: ['accounts', i, 'id'],
        other: ['accounts', same, 'id'],
        message: `account id "${a.id}" of '${a.name}' is also the id of '${prior.name}' (accounts[${same}])${a.stage ? `, both stage ${a.stage}` : ''}: list an account once, with an alias for a second name (one account serving several stages gives each entry its own stage)`,
      });
    seenIds.set(a.id, [...(seenIds.get(a.id) ?? []), i]);
  });
  const known = (ref: string) => config.accounts.some((a) => a.name === ref || a.id === ref || a.alias === ref);
  const names = config.accounts.map((a) => a.name);
  config.workspaces.forEach((w, i) => {
    w.accounts.forEach((selector, j) => {
      for (const name of plainNames(selector).filter((n) => !known(n))) {
        const near = closest(name, names);
        problems.push({
          path: ['workspaces', i, 'accounts', j],
          message: `workspace '${w.name}' names unknown account '${name}'${near ? ` (did you mean '${near}'?)` : ''}: use a name, id or alias from accounts, or a selector such as stage=prod`,
        });
      }
    });
  });
  config.shortcuts.forEach((s, i) => {
    if (!known(s.account))
      problems.push({
        path: ['shortcuts', i, 'account'],
        message: `unknown account '${s.account}': use a name, id or alias from accounts`,
      });
  });
  problems.push(...assignSources(config).problems);
  return problems;
}

/** Reads and validates a config file, throwing one CrossbarError that lists every problem. */
export function loadConfigFile(file: string): Config {
  return loadConfigText(file).config;
}

/** loadConfigFile, with the text it read (the registry cache keys its entry by it). */
export function loadConfigText(file: string): { text: string; config: Config } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new CrossbarError('CONFIG_NOT_FOUND', `Cannot read ${file}`, {
      hint: 'Create one with `crossbar init`, or pass --config FILE',
      cause,
    });
  }
  if (isBlankYaml(text))
    throw new CrossbarError('CONFIG_INVALID', `${file} is empty: it lists no accounts`, {
      hint: 'Start with `crossbar init` (from your AWS Organization or the role profiles in ~/.aws/config), or try `crossbar demo` first',
    });
  const parsed = parseConfig(text, file);
  if (!parsed.config) {
    throw new CrossbarError('CONFIG_INVALID', parsed.problems.map(formatProblem).join('\n'), {
      hint: `Fix ${parsed.problems.length === 1 ? 'this problem' : `these ${parsed.problems.length} problems`} in ${file}`,
    });
  }
  return { text, config: parsed.config };
}

/** Nothing but blank lines, comments and document markers: a file that was created and never written. */
function isBlankYaml(text: string): boolean {
  return text.split(/\r?\n/).every((line) => /^\s*(#.*)?$/.test(line) || /^(---|\.\.\.)\s*$/.test(line));
}
