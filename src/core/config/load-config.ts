import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { CrossbarError } from '../errors.js';
import { configSchema, type Config } from './schema.js';
import { closest } from '../suggest.js';

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
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => toProblem(doc, counter, file, issue));
    return { problems: problems.sort((a, b) => a.line - b.line || a.col - b.col) };
  }
  const semantic = checkReferences(result.data).map((p) => ({
    file,
    ...locate(doc, counter, p.path),
    path: pathText(p.path),
    message: p.message,
  }));
  if (semantic.length > 0) return { problems: semantic };
  return { config: result.data, problems: [] };
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
  root: ['organization', 'source', 'defaults', 'accounts', 'workspaces', 'shortcuts', 'endpoint'],
  account: ['id', 'name', 'alias', 'stage', 'color', 'tags', 'ou', 'regions', 'external_id', 'roles'],
  role: ['name', 'arn', 'external_id', 'mfa', 'duration', 'confirm', 'via'],
  defaults: ['role', 'regions', 'profile_pattern', 'duration'],
  source: ['profile', 'mfa_serial', 'region', 'identity'],
  shortcut: ['name', 'account', 'role', 'region'],
  workspace: ['name', 'accounts', 'source', 'members'],
};

function knownKeysAt(path: readonly PropertyKey[]): string[] {
  const [first, , third] = path;
  if (path.length === 0) return KEYS['root'] ?? [];
  if (first === 'accounts' && path.length === 2) return KEYS['account'] ?? [];
  if (first === 'accounts' && third === 'roles') return KEYS['role'] ?? [];
  if (first === 'shortcuts') return KEYS['shortcut'] ?? [];
  if (first === 'workspaces') return KEYS['workspace'] ?? [];
  return KEYS[String(first)] ?? [];
}

/** Cross-references zod cannot see: duplicate accounts, shortcuts and workspaces naming unknown accounts. */
function checkReferences(config: Config): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const seenNames = new Map<string, number>();
  config.accounts.forEach((a, i) => {
    // The same id may appear twice on purpose: seed 003's single-account "virtual root" gives every
    // stage its own name while all point at one account.
    const dupName = seenNames.get(a.name);
    if (dupName !== undefined)
      problems.push({
        path: ['accounts', i, 'name'],
        message: `account name '${a.name}' is already used by accounts[${dupName}]`,
      });
    seenNames.set(a.name, i);
  });
  const known = (ref: string) => config.accounts.some((a) => a.name === ref || a.id === ref || a.alias === ref);
  config.shortcuts.forEach((s, i) => {
    if (!known(s.account))
      problems.push({
        path: ['shortcuts', i, 'account'],
        message: `unknown account '${s.account}': use a name, id or alias from accounts`,
      });
  });
  return problems;
}

/** Reads and validates a config file, throwing one CrossbarError that lists every problem. */
export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new CrossbarError('CONFIG_NOT_FOUND', `Cannot read ${file}`, {
      hint: 'Create one with `crossbar init`, or pass --config FILE',
      cause,
    });
  }
  const parsed = parseConfig(text, file);
  if (!parsed.config) {
    throw new CrossbarError('CONFIG_INVALID', parsed.problems.map(formatProblem).join('\n'), {
      hint: `Fix ${parsed.problems.length === 1 ? 'this problem' : `these ${parsed.problems.length} problems`} in ${file}`,
    });
  }
  return parsed.config;
}
