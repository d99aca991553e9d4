import { decryptEntry, encryptEntry } from '../credentials/cache-crypto.js';
import { loadCacheKey, osKeyring, type KeyringSlot, type KeyStore } from '../credentials/cache-key.js';

export interface ServerKeyOptions {
  /** CROSSBAR_HOME of the server: the key file is `server.key` there (0600). */
  home: string;
  /** `auto` (default): the OS keyring when one works, else the file; `file` or `keyring` to insist. */
  keyStore?: KeyStore | undefined;
  /** Defaults to the OS keyring's entry service 'crossbar', account 'server-key'. */
  keyring?: KeyringSlot | undefined;
}

/**
 * The server's own key (AES-256): what encrypts the secrets the team database must hold in a usable form (the
 * members' TOTP secrets). Kept where the credential cache key is kept (cache-key.ts): the OS keyring, or
 * `CROSSBAR_HOME/server.key` (0600, created under a lock), never in the database itself, so that a copy of the
 * database alone opens nothing.
 */
export async function loadServerKey(options: ServerKeyOptions): Promise<Buffer> {
  const loaded = await loadCacheKey({
    home: options.home,
    keyStore: options.keyStore ?? 'auto',
    keyring: options.keyring ?? osKeyring('crossbar', 'server-key'),
    fileName: 'server.key',
    label: 'the server key',
  });
  return loaded.key;
}

/**
 * A secret sealed with the server key (AES-256-GCM, random IV), as base64 text for a database column. `purpose`
 * is authenticated with it (`totp:<user id>`): a sealed value copied into another user's row does not open.
 */
export function sealSecret(key: Buffer, purpose: string, plaintext: string): string {
  return encryptEntry(key, purpose, plaintext).toString('base64');
}

/** The plaintext, or undefined for anything not sealed with this key and purpose (or tampered with). */
export function openSecret(key: Buffer, purpose: string, sealed: string): string | undefined {
  return decryptEntry(key, purpose, Buffer.from(sealed, 'base64'));
}
