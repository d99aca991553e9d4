import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './credentials/atomic-file.js';
import { decryptEntry } from './credentials/cache-crypto.js';
import { parseCacheEntry } from './credentials/credential-cache.js';
import { loadCacheKey, type KeyStore } from './credentials/cache-key.js';
import { needsRefresh, RedactedAccountCredentials, REFRESH_MARGIN_MS } from './credentials/credentials.js';
import { activeUnlock, recordGuardrailEvent } from './unlocks.js';

/**
 * The warm path of `credential-process`. The AWS CLI and every SDK run it on each call, so a cache hit must not
 * pay for parsing crossbar.yaml (yaml + zod) or loading the AWS SDK, which together cost more than the whole
 * 150 ms budget. After a full run, a small index file maps (config file content, target, the environment that
 * picks the source) to the credential cache entry the engine used; the warm path hashes those, reads the index
 * and decrypts the entry with node built-ins only. Any miss, doubt or error falls back to the full path, which
 * is always right; the index holds no secret.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** What decides which cache entry a target uses besides the config file: see resolveSourceProvider. */
const SOURCE_ENV = ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE'] as const;

export interface WarmTarget {
  home: string;
  configPath: string;
  configText: string;
  target: string;
  env: Env;
}

export function targetIndexKey(t: WarmTarget): string {
  const configHash = createHash('sha256').update(t.configText).digest('hex');
  const parts = ['target-index', 1, t.configPath, configHash, t.target, ...SOURCE_ENV.map((k) => t.env[k] ?? '')];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

function indexPath(home: string, key: string): string {
  return join(home, 'cache', `${key}.target`);
}

/** The engine's entry file (credential-cache.ts names it so; a test keeps the two in step). */
function entryPath(home: string, name: string): string {
  return join(home, 'cache', `${name}.cache`);
}

/** A role behind the `confirm` guardrail: the warm path answers for it only while an unlock is live. */
export interface WarmGuard {
  accountId: string;
  roleArn: string;
}

export function recordTargetIndex(t: WarmTarget, entryName: string, guard?: WarmGuard): void {
  ensurePrivateDir(t.home);
  ensurePrivateDir(join(t.home, 'cache'));
  const index = { v: 1, entry: entryName, ...(guard ? { guard } : {}) };
  writeFileAtomic(indexPath(t.home, targetIndexKey(t)), JSON.stringify(index));
}

/** True when the index names no guard, or its guard is unlocked now (the use is recorded). */
function guardOpen(home: string, guard: unknown, now: number): boolean {
  if (guard === undefined) return true;
  if (!isRecord(guard)) return false;
  const accountId = str(guard['accountId']);
  const roleArn = str(guard['roleArn']);
  if (!accountId || !roleArn) return false;
  const unlock = activeUnlock(home, accountId, roleArn, now);
  if (!unlock) return false;
  const event = {
    event: 'use-unlock',
    label: unlock.label,
    accountId,
    roleArn,
    command: 'credential-process',
  } as const;
  recordGuardrailEvent(home, event, now);
  return true;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function readJson(path: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export interface WarmOptions {
  now?: () => number;
  keyStore?: KeyStore;
}

/** The cached credentials of a target if the index knows its entry and the entry is fresh; else undefined. */
export async function readWarmCredentials(
  t: WarmTarget,
  options: WarmOptions = {},
): Promise<RedactedAccountCredentials | undefined> {
  const index = readJson(indexPath(t.home, targetIndexKey(t)));
  const name = index && index['v'] === 1 ? str(index['entry']) : undefined;
  if (!name || !/^[0-9a-f]{40}$/.test(name)) return undefined;
  const now = (options.now ?? Date.now)();
  let blob: Buffer;
  try {
    blob = readFileSync(entryPath(t.home, name));
  } catch {
    return undefined;
  }
  const { key } = await loadCacheKey({ home: t.home, keyStore: options.keyStore ?? 'auto' });
  const text = decryptEntry(key, name, blob);
  const parsed = text === undefined ? undefined : parseCacheEntry(text);
  // The engine writes the account of every target entry; one without is not a target's.
  const creds = parsed instanceof RedactedAccountCredentials ? parsed : undefined;
  if (!creds || needsRefresh(creds, now, REFRESH_MARGIN_MS)) return undefined;
  // Checked last, so that an unlock is recorded as used only when the cache answers.
  return guardOpen(t.home, index?.['guard'], now) ? creds : undefined;
}
