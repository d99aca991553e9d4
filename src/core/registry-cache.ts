import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Registry, RegistryAccount, RegistryRole } from './config/registry.js';
import { ensurePrivateDir, writeFileAtomic } from './credentials/atomic-file.js';

/**
 * crossbar.yaml, parsed and validated once per edit. Parsing is yaml + zod + the registry: 0.85 s for 5,000
 * accounts, paid by every command before it does anything (yaml and zod alone take ~100 ms to load). So the
 * registry built from a file is kept in `CROSSBAR_HOME/cache/registry-<hash of the path>.json` (0600, written
 * atomically), keyed by the file's path, mtime and size; a change to any of them, or to crossbar itself, reads the
 * file afresh. The entry also holds a SHA-256 of the file's text, checked on every hit: an edit that keeps the size
 * within one tick of the file system's clock would otherwise go unseen, and hashing the text costs ~1 ms where
 * parsing it costs hundreds. An entry that cannot be read back exactly (torn, tampered, another format) is a miss,
 * never an error, and so is a cache directory we cannot write: the cache only saves time.
 */

/** Bumped when the entry's layout changes; crossbar's version and its config modules' mtimes key it too. */
const FORMAT = 1;

/** What a registry depends on besides the file: the code that parses it and builds it. */
function codeIdentity(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const modules = [
    'config/schema',
    'config/registry',
    'config/load-config',
    'config/assign-sources',
    'select/match-selector',
  ].map((m) => {
    try {
      const s = statSync(fileURLToPath(new URL(`./${m}${ext}`, import.meta.url)));
      return `${m}:${s.mtimeMs}:${s.size}`;
    } catch {
      return `${m}:?`;
    }
  });
  let version = '?';
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    if (typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string')
      version = pkg.version;
  } catch {
    // no package.json beside the code: the module mtimes still key the entry
  }
  return [FORMAT, version, ...modules].join('|');
}

export function registryCachePath(home: string, configPath: string): string {
  const name = createHash('sha256').update(resolve(configPath)).digest('hex').slice(0, 32);
  return join(home, 'cache', `registry-${name}.json`);
}

interface FileFacts {
  path: string;
  mtimeMs: number;
  size: number;
}

/** The first line of an entry: what it was built from. The second line is the registry. */
interface EntryHeader extends FileFacts {
  v: number;
  code: string;
  textSha256: string;
  registrySha256: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The registry as JSON: each account's default role as its index in `roles` (it is one of them, by identity). */
function serialize(registry: Registry): string {
  const accounts = registry.accounts.map((a) => ({ ...a, defaultRole: a.roles.indexOf(a.defaultRole) }));
  return JSON.stringify({ ...registry, accounts });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The registry back from JSON we wrote and whose hash we checked, so the shape is ours; what is checked here is
 * only what restoring it relies on.
 */
function deserialize(text: string): Registry | undefined {
  const raw: unknown = JSON.parse(text);
  if (!isRecord(raw) || !isRecord(raw['config']) || !Array.isArray(raw['accounts'])) return undefined;
  const accounts: RegistryAccount[] = [];
  for (const a of raw['accounts'] as unknown[]) {
    if (!isRecord(a) || !Array.isArray(a['roles']) || typeof a['defaultRole'] !== 'number') return undefined;
    const roles = a['roles'] as RegistryRole[];
    const defaultRole = roles[a['defaultRole']];
    if (!defaultRole) return undefined;
    accounts.push({ ...(a as unknown as RegistryAccount), roles, defaultRole });
  }
  return { ...(raw as unknown as Registry), accounts };
}

function readEntry(cachePath: string, facts: FileFacts, code: string): Registry | undefined {
  let text: string;
  try {
    text = readFileSync(cachePath, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (newline < 0) return undefined;
  try {
    const header: unknown = JSON.parse(text.slice(0, newline));
    if (!isRecord(header)) return undefined;
    if (header['v'] !== FORMAT || header['code'] !== code) return undefined;
    if (header['path'] !== facts.path || header['mtimeMs'] !== facts.mtimeMs || header['size'] !== facts.size)
      return undefined;
    const body = text.slice(newline + 1);
    if (header['registrySha256'] !== sha256(body)) return undefined;
    const registry = deserialize(body);
    if (!registry) return undefined;
    // Last, because it reads the config file: the edit that kept its mtime and size.
    if (header['textSha256'] !== sha256(readFileSync(facts.path, 'utf8'))) return undefined;
    return registry;
  } catch {
    return undefined;
  }
}

function writeEntry(home: string, cachePath: string, header: EntryHeader, body: string): void {
  try {
    ensurePrivateDir(home);
    ensurePrivateDir(join(home, 'cache'));
    writeFileAtomic(cachePath, `${JSON.stringify(header)}\n${body}`);
  } catch {
    // A read-only or missing home costs the next run a parse, nothing more.
  }
}

export interface LoadRegistryOptions {
  /** CROSSBAR_HOME: the entry lives in its cache/ directory. */
  home: string;
}

/**
 * The registry of a crossbar.yaml: from the cache when the file is unchanged, else parsed (with the loader's
 * every-problem-at-once errors, which are never cached) and then cached.
 */
export async function loadRegistryCached(configPath: string, options: LoadRegistryOptions): Promise<Registry> {
  const path = resolve(configPath);
  const code = codeIdentity();
  const cachePath = registryCachePath(options.home, path);
  let facts: FileFacts | undefined;
  try {
    const s = statSync(path);
    facts = { path, mtimeMs: s.mtimeMs, size: s.size };
  } catch {
    // No file: the loader below says so in its own words.
  }
  const hit = facts ? readEntry(cachePath, facts, code) : undefined;
  if (hit) return hit;
  // yaml and zod only on a miss.
  const { loadConfigText } = await import('./config/load-config.js');
  const { buildRegistry } = await import('./config/registry.js');
  const { text, config } = loadConfigText(path);
  const registry = buildRegistry(config);
  if (facts) {
    const body = serialize(registry);
    const header: EntryHeader = {
      v: FORMAT,
      code,
      ...facts,
      textSha256: sha256(text),
      registrySha256: sha256(body),
    };
    // The file may have changed between the stat and the read: then its hash no longer matches, a later miss.
    writeEntry(options.home, cachePath, header, body);
  }
  return registry;
}
