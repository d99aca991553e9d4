import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file.js';
import { decryptEntry, encryptEntry } from './cache-crypto.js';
import { RedactedAccountCredentials, RedactedCredentials, type Credentials } from './credentials.js';

/**
 * The credential cache on disk: `CROSSBAR_HOME/cache/<key>.cache`, one AES-256-GCM encrypted file per target
 * (or MFA session), 0600 in a 0700 directory, replaced atomically. Whatever cannot be read back (torn, tampered,
 * another key, another format) is a miss, never an error: the next write replaces it.
 */
const entrySchema = z.object({
  v: z.literal(1),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().optional(),
  expiration: z.iso.datetime({ offset: true }),
  accountId: z.string().optional(),
});

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
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const e = parsed.data;
  const creds = {
    accessKeyId: e.accessKeyId,
    secretAccessKey: e.secretAccessKey,
    expiration: new Date(e.expiration),
    ...(e.sessionToken ? { sessionToken: e.sessionToken } : {}),
  };
  return e.accountId ? new RedactedAccountCredentials(creds, e.accountId) : new RedactedCredentials(creds);
}

/** Only expiring credentials are cached: long-lived keys belong in the AWS files, not here. */
export function writeCacheEntry(at: CacheLocation, name: string, creds: Credentials & { accountId?: string }): void {
  if (!creds.expiration) return;
  const entry: z.infer<typeof entrySchema> = {
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
