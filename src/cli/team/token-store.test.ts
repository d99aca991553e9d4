import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { forgetToken, keepToken, loadToken, tokenFilePath, type TokenKeyring } from './token-store.js';

/** A keyring in memory; `broken` fails every call as a missing Secret Service does. */
function memoryKeyring(broken = false): TokenKeyring & { value: string | null; calls: number } {
  const ring = {
    value: null as string | null,
    calls: 0,
    get: () => {
      ring.calls += 1;
      return broken ? Promise.reject(new Error('no keyring')) : Promise.resolve(ring.value);
    },
    set: (v: string) => {
      ring.calls += 1;
      if (broken) return Promise.reject(new Error('no keyring'));
      ring.value = v;
      return Promise.resolve();
    },
    delete: () => {
      ring.calls += 1;
      ring.value = null;
      return Promise.resolve();
    },
  };
  return ring;
}

const homes: string[] = [];
const newHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'crossbar-token-'));
  homes.push(home);
  return join(home, 'state');
};
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

describe('the CLI token store', () => {
  it('keeps the token in a working keyring, and no file', async () => {
    const home = newHome();
    const ring = memoryKeyring();
    expect(await keepToken(home, 'xbt_secret', {}, ring)).toBe('keyring');
    expect(ring.value).toBe('xbt_secret');
    expect(() => statSync(tokenFilePath(home))).toThrow();
    expect(await loadToken(home, 'keyring', ring)).toBe('xbt_secret');
    await forgetToken(home, 'keyring', ring);
    expect(ring.value).toBeNull();
  });

  it('falls back to a 0600 file in a 0700 home when the keyring is unavailable (auto)', async () => {
    const home = newHome();
    expect(await keepToken(home, 'xbt_secret', {}, memoryKeyring(true))).toBe('file');
    expect(readFileSync(tokenFilePath(home), 'utf8')).toBe('xbt_secret\n');
    expect(statSync(tokenFilePath(home)).mode & 0o777).toBe(0o600);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(await loadToken(home, 'file', memoryKeyring(true))).toBe('xbt_secret');
    await forgetToken(home, 'file', memoryKeyring(true));
    expect(await loadToken(home, 'file', memoryKeyring(true))).toBeUndefined();
  });

  it('CROSSBAR_KEY_STORE=file never touches the keyring; =keyring refuses to fall back to a file', async () => {
    const ring = memoryKeyring();
    expect(await keepToken(newHome(), 'xbt_secret', { CROSSBAR_KEY_STORE: 'file' }, ring)).toBe('file');
    expect(ring.calls).toBe(0);
    const home = newHome();
    await expect(keepToken(home, 'xbt_secret', { CROSSBAR_KEY_STORE: 'keyring' }, memoryKeyring(true))).rejects.toThrow(
      'the OS keyring is not available to keep the server token',
    );
    expect(() => statSync(tokenFilePath(home))).toThrow();
  });
});
