import { randomBytes } from 'node:crypto';
import type { AsyncEntry } from '@napi-rs/keyring';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CrossbarError } from '../errors.js';
import { createFileAtomic, ensurePrivateDir, errnoOf, unlinkQuietly } from './atomic-file.js';
import { CACHE_KEY_BYTES } from './cache-crypto.js';
import { withFileLock } from './file-lock.js';

/** Where the cache's encryption key lives: the OS keyring, a 0600 file, or the keyring when one works. */
export type KeyStore = 'file' | 'keyring' | 'auto';

/** The part of a keyring crossbar uses: one secret. Injectable so tests need no keyring daemon. */
export interface KeyringSlot {
  get(): Promise<string | null>;
  set(value: string): Promise<void>;
}

export interface CacheKeyOptions {
  home: string;
  keyStore: KeyStore;
  /** Defaults to @napi-rs/keyring's entry service 'crossbar', account 'cache-key'. */
  keyring?: KeyringSlot;
  /** The key file under `home` (default `cache.key`; the team server's is `server.key`). */
  fileName?: string;
  /** What the key protects, for messages (default 'the credential cache key'). */
  label?: string;
}

export interface CacheKey {
  key: Buffer;
  store: 'file' | 'keyring';
  /** `auto` wanted the keyring, found it unavailable and created the key file instead: worth saying, once. */
  keyringUnavailable?: true;
}

const KEYRING_TIMEOUT_MS = 1_500;

/** The OS keyring through @napi-rs/keyring, each call bounded so a hung keyring daemon cannot hang us. */
export function osKeyring(service = 'crossbar', account = 'cache-key'): KeyringSlot {
  // Loaded on the first get or set, not when the slot is made: a key read from a file never pays for the native
  // module (~70 ms of every warm credential-process call before it was lazy).
  let entry: Promise<AsyncEntry> | undefined;
  const open = () => (entry ??= import('@napi-rs/keyring').then(({ AsyncEntry }) => new AsyncEntry(service, account)));
  return {
    get: async () => (await open()).getPassword(AbortSignal.timeout(KEYRING_TIMEOUT_MS)),
    set: async (value) => (await open()).setPassword(value, AbortSignal.timeout(KEYRING_TIMEOUT_MS)),
  };
}

function decodeKey(text: string | null | undefined): Buffer | undefined {
  if (!text) return undefined;
  const key = Buffer.from(text.trim(), 'base64');
  return key.length === CACHE_KEY_BYTES ? key : undefined;
}

function readKeyFile(path: string): Buffer | undefined {
  try {
    return decodeKey(readFileSync(path, 'utf8'));
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return undefined;
    throw err;
  }
}

async function readKeyring(slot: KeyringSlot): Promise<Buffer | undefined> {
  try {
    return decodeKey(await slot.get());
  } catch {
    return undefined;
  }
}

/** Stores a new key in the keyring and reads it back: only a key the keyring really returns counts. */
async function createInKeyring(slot: KeyringSlot): Promise<Buffer | undefined> {
  try {
    await slot.set(randomBytes(CACHE_KEY_BYTES).toString('base64'));
    return decodeKey(await slot.get());
  } catch {
    return undefined;
  }
}

function createKeyFile(path: string, label: string): Buffer {
  const existing = readKeyFile(path);
  if (existing) return existing;
  // An unreadable key file (wrong length) is replaced: the entries it encrypted become cache misses.
  unlinkQuietly(path);
  createFileAtomic(path, `${randomBytes(CACHE_KEY_BYTES).toString('base64')}\n`);
  const key = readKeyFile(path);
  if (!key)
    throw new CrossbarError('ERROR', `Could not create ${label} ${path}`, {
      hint: 'Check that CROSSBAR_HOME is writable',
    });
  return key;
}

/**
 * The cache key. `auto` keeps using a key file once one exists (a machine without a keyring stays on files),
 * otherwise tries the keyring and falls back to `CROSSBAR_HOME/cache.key` (0600). Creation happens under a lock,
 * so that concurrent first runs agree on one key instead of each encrypting with its own.
 */
export async function loadCacheKey(options: CacheKeyOptions): Promise<CacheKey> {
  const file = join(options.home, options.fileName ?? 'cache.key');
  const label = options.label ?? 'the credential cache key';
  const slot = options.keyring ?? osKeyring();
  const fromFile = options.keyStore === 'keyring' ? undefined : readKeyFile(file);
  if (fromFile) return { key: fromFile, store: 'file' };
  if (options.keyStore !== 'file') {
    const fromKeyring = await readKeyring(slot);
    if (fromKeyring) return { key: fromKeyring, store: 'keyring' };
  }
  ensurePrivateDir(options.home);
  return withFileLock(`${file}.lock`, async () => {
    if (options.keyStore !== 'keyring') {
      const raced = readKeyFile(file);
      if (raced) return { key: raced, store: 'file' };
    }
    if (options.keyStore !== 'file') {
      const created = (await readKeyring(slot)) ?? (await createInKeyring(slot));
      if (created) return { key: created, store: 'keyring' };
      if (options.keyStore === 'keyring') {
        throw new CrossbarError('ERROR', `The OS keyring is not available to hold ${label}`, {
          hint: 'Start a keyring (Secret Service, Keychain, Credential Manager) or use the file key store',
        });
      }
    }
    const key = createKeyFile(file, label);
    return options.keyStore === 'auto' ? { key, store: 'file', keyringUnavailable: true } : { key, store: 'file' };
  });
}
