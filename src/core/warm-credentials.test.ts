import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCacheKey } from './credentials/cache-key.js';
import { cacheEntryName, cacheEntryPath, writeCacheEntry } from './credentials/credential-cache.js';
import { RedactedAccountCredentials } from './credentials/credentials.js';
import { readWarmCredentials, recordTargetIndex, targetIndexKey, type WarmTarget } from './warm-credentials.js';

/** The warm path reads the engine's cache files by hand: these tests keep the two formats in step. */
async function setup(expiresInMs: number): Promise<{ t: WarmTarget; name: string; now: number }> {
  const home = mkdtempSync(join(tmpdir(), 'crossbar-warm-'));
  const now = Date.parse('2030-01-01T00:00:00Z');
  const { key } = await loadCacheKey({ home, keyStore: 'file' });
  const name = cacheEntryName(['role', 1, 'test']);
  writeCacheEntry(
    { home, key },
    name,
    new RedactedAccountCredentials(
      {
        accessKeyId: 'ASIAWARM',
        secretAccessKey: 'secret',
        sessionToken: 'token',
        expiration: new Date(now + expiresInMs),
      },
      '444444444444',
    ),
  );
  const t: WarmTarget = {
    home,
    configPath: '/c/crossbar.yaml',
    configText: 'accounts: []\n',
    target: 'production',
    env: { AWS_PROFILE: 'alice' },
  };
  recordTargetIndex(t, name);
  return { t, name, now };
}

describe('readWarmCredentials', () => {
  it("reads back what the engine's cache wrote, through the index", async () => {
    const { t, now } = await setup(3_600_000);
    const creds = await readWarmCredentials(t, { now: () => now, keyStore: 'file' });
    expect(creds).toBeInstanceOf(RedactedAccountCredentials);
    expect(
      creds && [
        creds.accessKeyId,
        creds.secretAccessKey,
        creds.sessionToken,
        creds.accountId,
        creds.expiration?.toISOString(),
      ],
    ).toEqual(['ASIAWARM', 'secret', 'token', '444444444444', '2030-01-01T01:00:00.000Z']);
  });

  it('misses when anything that picks the entry changes: config text, target, source environment', async () => {
    const { t, now } = await setup(3_600_000);
    const opts = { now: () => now, keyStore: 'file' as const };
    expect(await readWarmCredentials({ ...t, configText: 'accounts: [] # edited\n' }, opts)).toBeUndefined();
    expect(await readWarmCredentials({ ...t, target: 'production:admin' }, opts)).toBeUndefined();
    expect(await readWarmCredentials({ ...t, env: { AWS_PROFILE: 'bob' } }, opts)).toBeUndefined();
    expect(
      await readWarmCredentials({ ...t, env: { AWS_PROFILE: 'alice', AWS_SHARED_CREDENTIALS_FILE: '/other' } }, opts),
    ).toBeUndefined();
    expect(targetIndexKey(t)).toBe(targetIndexKey({ ...t, env: { ...t.env, UNRELATED: 'x' } }));
  });

  it('misses within 5 minutes of expiry, so the full path refreshes', async () => {
    const { t, now } = await setup(4 * 60_000);
    expect(await readWarmCredentials(t, { now: () => now, keyStore: 'file' })).toBeUndefined();
  });

  it('misses on a tampered entry or index', async () => {
    const { t, name, now } = await setup(3_600_000);
    const path = cacheEntryPath(t.home, name);
    const blob = readFileSync(path);
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1;
    writeFileSync(path, blob);
    expect(await readWarmCredentials(t, { now: () => now, keyStore: 'file' })).toBeUndefined();
    writeFileSync(join(t.home, 'cache', `${targetIndexKey(t)}.target`), '{"v":1,"entry":"../../etc/passwd"}');
    expect(await readWarmCredentials(t, { now: () => now, keyStore: 'file' })).toBeUndefined();
  });
});
