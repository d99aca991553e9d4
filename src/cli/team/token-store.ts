import type { AsyncEntry } from '@napi-rs/keyring';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CrossbarError } from '../../core/errors.js';
import { writePrivateFile } from './private-file.js';

/**
 * Where the CLI keeps its API token of the team server: the OS keyring (service `crossbar`, account
 * `server-token <URL>`), or, when the keyring is unavailable or CROSSBAR_KEY_STORE=file, CROSSBAR_HOME/server-token
 * (0600). CROSSBAR_KEY_STORE=keyring insists on the keyring, as it does for the cache key.
 */
export type TokenStore = 'keyring' | 'file';

/** The part of a keyring used here; injectable so that tests need no keyring daemon. */
export interface TokenKeyring {
  get(): Promise<string | null>;
  set(value: string): Promise<void>;
  delete(): Promise<void>;
}

const KEYRING_TIMEOUT_MS = 1_500;

export function osTokenKeyring(url: string): TokenKeyring {
  // Loaded on first use: a token kept in the file never pays for the native module.
  let entry: Promise<AsyncEntry> | undefined;
  const open = () =>
    (entry ??= import('@napi-rs/keyring').then(({ AsyncEntry }) => new AsyncEntry('crossbar', `server-token ${url}`)));
  return {
    get: async () => (await open()).getPassword(AbortSignal.timeout(KEYRING_TIMEOUT_MS)),
    set: async (value) => (await open()).setPassword(value, AbortSignal.timeout(KEYRING_TIMEOUT_MS)),
    delete: async () => {
      await (await open()).deletePassword(AbortSignal.timeout(KEYRING_TIMEOUT_MS));
    },
  };
}

export function tokenFilePath(home: string): string {
  return join(home, 'server-token');
}

function keyStoreOf(env: Readonly<Record<string, string | undefined>>): 'file' | 'keyring' | 'auto' {
  const value = env['CROSSBAR_KEY_STORE'];
  return value === 'file' || value === 'keyring' ? value : 'auto';
}

/** Keeps the token; returns where it went. The keyring counts only when it gives the token back. */
export async function keepToken(
  home: string,
  token: string,
  env: Readonly<Record<string, string | undefined>>,
  keyring: TokenKeyring,
): Promise<TokenStore> {
  const wanted = keyStoreOf(env);
  if (wanted !== 'file') {
    const kept = await keyring
      .set(token)
      .then(() => keyring.get())
      .catch(() => null);
    if (kept === token) {
      rmSync(tokenFilePath(home), { force: true });
      return 'keyring';
    }
    if (wanted === 'keyring')
      throw new CrossbarError('ERROR', 'the OS keyring is not available to keep the server token', {
        hint: 'start a keyring (Secret Service, Keychain, Credential Manager), or set CROSSBAR_KEY_STORE=file',
      });
  }
  writePrivateFile(tokenFilePath(home), `${token}\n`);
  return 'file';
}

export async function loadToken(home: string, store: TokenStore, keyring: TokenKeyring): Promise<string | undefined> {
  if (store === 'keyring') return (await keyring.get().catch(() => null)) ?? undefined;
  try {
    return readFileSync(tokenFilePath(home), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function forgetToken(home: string, store: TokenStore, keyring: TokenKeyring): Promise<void> {
  rmSync(tokenFilePath(home), { force: true });
  if (store === 'keyring') await keyring.delete().catch(() => {});
}
