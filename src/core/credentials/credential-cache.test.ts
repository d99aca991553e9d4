import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encryptEntry } from './cache-crypto.js';
import { cacheEntryName, cacheEntryPath, ensureCacheDir, readCacheEntry, writeCacheEntry } from './credential-cache.js';
import { RedactedAccountCredentials, RedactedCredentials } from './credentials.js';

const creds = {
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'secret-value-that-must-not-leak',
  sessionToken: 'token-value',
  expiration: new Date('2030-01-01T00:00:00Z'),
  accountId: '222222222222',
};

function place() {
  return { home: mkdtempSync(join(tmpdir(), 'crossbar-cache-')), key: randomBytes(32) };
}

describe('cache entries', () => {
  it('round-trip through an encrypted 0600 file', () => {
    const at = place();
    const name = cacheEntryName(['role', 'x']);
    writeCacheEntry(at, name, creds);
    const back = readCacheEntry(at, name);
    expect(back).toBeInstanceOf(RedactedAccountCredentials);
    expect(back).toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: creds.secretAccessKey,
      sessionToken: 'token-value',
      accountId: '222222222222',
      expiration: creds.expiration,
    });
    const file = cacheEntryPath(at.home, name);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from('secret-value'))).toBe(false);
  });

  it('reads anything else as a miss: another key, another name, a torn or garbage file, no file', () => {
    const at = place();
    const name = cacheEntryName(['role', 'x']);
    const other = cacheEntryName(['role', 'y']);
    writeCacheEntry(at, name, creds);
    expect(readCacheEntry({ ...at, key: randomBytes(32) }, name)).toBeUndefined();
    renameSync(cacheEntryPath(at.home, name), cacheEntryPath(at.home, other));
    expect(readCacheEntry(at, other)).toBeUndefined();
    const blob = readFileSync(cacheEntryPath(at.home, other));
    writeFileSync(cacheEntryPath(at.home, name), blob.subarray(0, blob.length - 5));
    expect(readCacheEntry(at, name)).toBeUndefined();
    writeFileSync(cacheEntryPath(at.home, name), '{"v":1}');
    expect(readCacheEntry(at, name)).toBeUndefined();
    expect(readCacheEntry(at, cacheEntryName(['never written']))).toBeUndefined();
  });

  it('reads back only entries of exactly its format (checked without zod): each field wrong is a miss', () => {
    const at = place();
    ensureCacheDir(at.home);
    const good = { v: 1, accessKeyId: 'ASIA1', secretAccessKey: 's', expiration: '2030-01-01T00:00:00.000Z' };
    const put = (entry: unknown) => {
      const name = cacheEntryName([JSON.stringify(entry)]);
      writeFileSync(cacheEntryPath(at.home, name), encryptEntry(at.key, name, JSON.stringify(entry)));
      return readCacheEntry(at, name);
    };
    const plain = put(good);
    expect(plain).toBeInstanceOf(RedactedCredentials);
    expect(plain).not.toBeInstanceOf(RedactedAccountCredentials);
    expect(plain?.expiration).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(put({ ...good, sessionToken: 't', accountId: '222222222222' })).toMatchObject({
      sessionToken: 't',
      accountId: '222222222222',
    });
    expect(put({ ...good, expiration: '2030-01-01T01:00:00+01:00' })?.expiration).toEqual(
      new Date('2030-01-01T00:00:00Z'),
    );
    for (const bad of [
      { ...good, v: 2 },
      { ...good, accessKeyId: '' },
      { ...good, secretAccessKey: 7 },
      { ...good, expiration: 'tomorrow' },
      { ...good, expiration: '2030-01-01' },
      { ...good, expiration: '2030-13-45T99:00:00Z' },
      { ...good, sessionToken: 5 },
      { ...good, accountId: ['222222222222'] },
      [good],
      'a string',
    ])
      expect(put(bad)).toBeUndefined();
  });

  it('writes again after its directory was removed while the process ran (the directory is made once per process)', () => {
    const at = place();
    const name = cacheEntryName(['role', 'again']);
    writeCacheEntry(at, name, creds);
    rmSync(at.home, { recursive: true, force: true });
    writeCacheEntry(at, name, creds);
    expect(readCacheEntry(at, name)).toMatchObject({ accessKeyId: 'ASIAEXAMPLE' });
    expect(statSync(join(at.home, 'cache')).mode & 0o777).toBe(0o700);
  });

  it('does not cache long-lived keys', () => {
    const at = place();
    const name = cacheEntryName(['static']);
    writeCacheEntry(at, name, { accessKeyId: 'AKIA', secretAccessKey: 's' });
    expect(readCacheEntry(at, name)).toBeUndefined();
  });

  it('names entries by everything they depend on', () => {
    expect(cacheEntryName(['a', ['b', 'ext']])).not.toBe(cacheEntryName(['a', ['b', '']]));
    expect(cacheEntryName(['a', 'b'])).toBe(cacheEntryName(['a', 'b']));
    expect(cacheEntryName(['a'])).toMatch(/^[0-9a-f]{40}$/);
  });
});
