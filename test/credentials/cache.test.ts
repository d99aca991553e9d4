import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheEntryPath } from '../../src/core/credentials/index.js';
import { brokenKeyring, harness, memoryKeyring } from '../helpers/credentials.js';
import { startWorld, type World } from '../helpers/world.js';

let w: World;
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
});
afterAll(async () => {
  await w.stop();
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('the credential cache', () => {
  it('serves a second call, even from another engine (process), with no STS call', async () => {
    const h = harness(w, 'alice');
    const first = await h.engine().getCredentials(h.target('development'));
    const calls = { ...h.counts };
    const second = await h.engine().getCredentials(h.target('development'));
    expect(second.accessKeyId).toBe(first.accessKeyId);
    expect(second.secretAccessKey).toBe(first.secretAccessKey);
    expect(second.accountId).toBe('222222222222');
    expect(h.counts).toEqual(calls);
    // The twin: another target is not served from this entry.
    await h
      .engine()
      .getCredentials(h.target('staging:admin'))
      .catch(() => undefined);
    await h.engine().getCredentials(h.target('production'));
    expect(h.counts['AssumeRoleCommand']).toBe((calls['AssumeRoleCommand'] ?? 0) + 1);
  });

  it('keeps entries encrypted in 0600 files in a 0700 directory', async () => {
    const h = harness(w, 'alice');
    const engine = h.engine();
    const target = h.target('development');
    const creds = await engine.getCredentials(target);
    const file = cacheEntryPath(h.home, engine.cacheEntryFor(target));
    expect(mode(file)).toBe(0o600);
    expect(mode(join(h.home, 'cache'))).toBe(0o700);
    expect(mode(join(h.home, 'cache.key'))).toBe(0o600);
    const raw = readFileSync(file);
    for (const clear of [creds.secretAccessKey, creds.sessionToken ?? '', creds.accessKeyId, 'secretAccessKey']) {
      expect(raw.includes(Buffer.from(clear))).toBe(false);
    }
    // No temp or lock files are left behind.
    expect(readdirSync(join(h.home, 'cache')).filter((f) => !f.endsWith('.cache'))).toEqual([]);
  });

  it('treats a corrupted or foreign entry as a miss and replaces it', async () => {
    const h = harness(w, 'alice');
    const engine = h.engine();
    const target = h.target('development');
    const first = await engine.getCredentials(target);
    const file = cacheEntryPath(h.home, engine.cacheEntryFor(target));
    const blob = readFileSync(file);
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 0xff;
    writeFileSync(file, blob);
    const second = await h.engine().getCredentials(target);
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(h.counts['AssumeRoleCommand']).toBe(2);
    writeFileSync(file, 'not a cache entry at all');
    const third = await h.engine().getCredentials(target);
    expect(h.counts['AssumeRoleCommand']).toBe(3);
    // The replacement is readable again: the next call is a hit.
    expect((await h.engine().getCredentials(target)).accessKeyId).toBe(third.accessKeyId);
    expect(h.counts['AssumeRoleCommand']).toBe(3);
  });

  it('refreshes an entry with less than 5 minutes left, and keeps one with more', async () => {
    const h = harness(w, 'alice');
    const target = h.target('development');
    const first = await h.engine().getCredentials(target);
    const expiry = first.expiration?.getTime() ?? 0;
    const sixLeft = await h.engine({ now: () => expiry - 6 * 60_000 }).getCredentials(target);
    expect(sixLeft.accessKeyId).toBe(first.accessKeyId);
    expect(h.counts['AssumeRoleCommand']).toBe(1);
    const fourLeft = await h.engine({ now: () => expiry - 4 * 60_000 }).getCredentials(target);
    expect(fourLeft.accessKeyId).not.toBe(first.accessKeyId);
    expect(h.counts['AssumeRoleCommand']).toBe(2);
  });

  it('shares one in-flight AssumeRole between concurrent calls in one process', async () => {
    const h = harness(w, 'alice');
    const engine = h.engine();
    const all = await Promise.all(Array.from({ length: 10 }, () => engine.getCredentials(h.target('staging'))));
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
    expect(h.counts['AssumeRoleCommand']).toBe(1);
  });
});

describe('the cache key store', () => {
  it('auto falls back to a 0600 key file when the keyring fails, and says so once', async () => {
    const h = harness(w, 'alice');
    const told: string[] = [];
    const onKeyringUnavailable = (file: string) => told.push(file);
    const engine = h.engine({ keyStore: 'auto', keyring: brokenKeyring, onKeyringUnavailable });
    await engine.getCredentials(h.target('development'));
    await engine.getCredentials(h.target('staging'));
    expect(mode(join(h.home, 'cache.key'))).toBe(0o600);
    expect(told).toEqual([join(h.home, 'cache.key')]);
    // The next process keeps the file without asking the keyring again: nothing to say.
    await h
      .engine({ keyStore: 'auto', keyring: brokenKeyring, onKeyringUnavailable })
      .getCredentials(h.target('production'));
    expect(told).toHaveLength(1);
  });

  it('denied twins: no keyring notice when the keyring works, or when the file store is chosen', async () => {
    const told: string[] = [];
    const onKeyringUnavailable = (file: string) => told.push(file);
    const a = harness(w, 'alice');
    await a
      .engine({ keyStore: 'auto', keyring: memoryKeyring(), onKeyringUnavailable })
      .getCredentials(a.target('development'));
    const b = harness(w, 'alice');
    await b
      .engine({ keyStore: 'file', keyring: brokenKeyring, onKeyringUnavailable })
      .getCredentials(b.target('development'));
    expect(told).toEqual([]);
  });

  it('keeps the key in the keyring when one works, and no key file', async () => {
    const h = harness(w, 'alice');
    const keyring = memoryKeyring();
    const creds = await h.engine({ keyStore: 'auto', keyring }).getCredentials(h.target('development'));
    expect(existsSync(join(h.home, 'cache.key'))).toBe(false);
    expect(Buffer.from(keyring.value ?? '', 'base64')).toHaveLength(32);
    expect((await h.engine({ keyStore: 'keyring', keyring }).getCredentials(h.target('development'))).accessKeyId).toBe(
      creds.accessKeyId,
    );
    expect(h.counts['AssumeRoleCommand']).toBe(1);
    // Another keyring (another machine, another key) cannot read the entry: a miss, not a crash.
    await h.engine({ keyStore: 'keyring', keyring: memoryKeyring() }).getCredentials(h.target('development'));
    expect(h.counts['AssumeRoleCommand']).toBe(2);
  });

  it("keyStore 'keyring' refuses to fall back to a file", async () => {
    const h = harness(w, 'alice');
    await expect(
      h.engine({ keyStore: 'keyring', keyring: brokenKeyring }).getCredentials(h.target('development')),
    ).rejects.toThrow(/OS keyring is not available/);
    expect(existsSync(join(h.home, 'cache.key'))).toBe(false);
  });
});
