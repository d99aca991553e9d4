import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file.js';
import { decryptEntry, encryptEntry } from './cache-crypto.js';
import { RedactedAccountCredentials, RedactedCredentials, type Credentials } from './credentials.js';

/**
 * The credential cache on disk: `CROSSBAR_HOME/cache/<key>.cache`, one AES-256-GCM encrypted file per target
 * (or MFA session), 0600 in a 0700 directory, replaced atomically. Whatever cannot be read back (torn, tampered,
 * another key, another format) is a miss, never an error: the next write replaces it.
 */
/** An entry as written: JSON, checked by hand on the way back (zod alone costs ~50 ms to load on this path). */
interface CacheEntry {
  v: 1;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** ISO 8601 with an offset. */
  expiration: string;
  accountId?: string;
}

const ISO_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** The credentials of a decrypted entry's text, or undefined for anything that is not exactly our format. */
export function parseCacheEntry(text: string): RedactedCredentials | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || raw['v'] !== 1) return undefined;
  const accessKeyId = nonEmpty(raw['accessKeyId']);
  const secretAccessKey = nonEmpty(raw['secretAccessKey']);
  const expiration = raw['expiration'];
  const { sessionToken, accountId } = raw;
  if (!accessKeyId || !secretAccessKey || typeof expiration !== 'string' || !ISO_DATETIME.test(expiration))
    return undefined;
  if (sessionToken !== undefined && typeof sessionToken !== 'string') return undefined;
  if (accountId !== undefined && typeof accountId !== 'string') return undefined;
  const at = new Date(expiration);
  if (Number.isNaN(at.getTime())) return undefined;
  const creds = { accessKeyId, secretAccessKey, expiration: at, ...(sessionToken ? { sessionToken } : {}) };
  return accountId ? new RedactedAccountCredentials(creds, accountId) : new RedactedCredentials(creds);
}

export interface CacheLocation {
  home: string;
  key: Buffer;
}

/** A stable file name for what a cache entry depends on (source, endpoint, roles, external ids, durations). */
export function cacheEntryName(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

export function cacheDir(home: string): string {
  return join(home, 'cache');
}

export function cacheEntryPath(home: string, name: string): string {
  return join(cacheDir(home), `${name}.cache`);
}

export function cacheLockPath(home: string, name: string): string {
  return join(cacheDir(home), `${name}.lock`);
}

export function ensureCacheDir(home: string): void {
  ensurePrivateDir(home);
  ensurePrivateDir(cacheDir(home));
}

export function readCacheEntry(at: CacheLocation, name: string): RedactedCredentials | undefined {
  let blob: Buffer;
  try {
    blob = readFileSync(cacheEntryPath(at.home, name));
  } catch {
    return undefined;
  }
  const text = decryptEntry(at.key, name, blob);
  return text === undefined ? undefined : parseCacheEntry(text);
}

/** Only expiring credentials are cached: long-lived keys belong in the AWS files, not here. */
export function writeCacheEntry(at: CacheLocation, name: string, creds: Credentials & { accountId?: string }): void {
  if (!creds.expiration) return;
  const entry: CacheEntry = {
    v: 1,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    expiration: creds.expiration.toISOString(),
    ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
    ...(creds.accountId ? { accountId: creds.accountId } : {}),
  };
  ensureCacheDir(at.home);
  writeFileAtomic(cacheEntryPath(at.home, name), encryptEntry(at.key, name, JSON.stringify(entry)));
}
