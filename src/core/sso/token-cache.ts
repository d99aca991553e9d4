import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, unlinkQuietly, writeFileAtomic } from '../credentials/atomic-file.js';
import { decryptEntry, encryptEntry } from '../credentials/cache-crypto.js';
import type { ClientRegistration } from './sso-apis.js';
import { SsoToken } from './sso-token.js';

/**
 * SSO tokens and client registrations on disk: `CROSSBAR_HOME/sso/<hash>.token` and `<hash>.client`, encrypted
 * with the credential cache's key and scheme (AES-256-GCM, the entry name as additional data), 0600 in a 0700
 * directory, replaced atomically. Whatever does not decrypt and parse is absent, never an error.
 */
export interface TokenCacheLocation {
  home: string;
  key: Buffer;
}

export function ssoDir(home: string): string {
  return join(home, 'sso');
}

/** The entry name of a session's token: its start URL, region, session name and endpoint. */
export function tokenEntryName(s: {
  startUrl: string;
  region: string;
  session: string;
  endpoint?: string | undefined;
}) {
  return hashName(['sso-token', s.startUrl, s.region, s.session, s.endpoint ?? '']);
}

/** A client registration serves every start URL of one region (and endpoint). */
export function clientEntryName(s: { region: string; endpoint?: string | undefined }) {
  return hashName(['sso-client', s.region, s.endpoint ?? '']);
}

function hashName(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 40);
}

export const tokenPath = (home: string, name: string) => join(ssoDir(home), `${name}.token`);
export const clientPath = (home: string, name: string) => join(ssoDir(home), `${name}.client`);
export const tokenLockPath = (home: string, name: string) => join(ssoDir(home), `${name}.lock`);

function readDecrypted(at: TokenCacheLocation, path: string, name: string): unknown {
  let blob: Buffer;
  try {
    blob = readFileSync(path);
  } catch {
    return undefined;
  }
  const text = decryptEntry(at.key, name, blob);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function writeEncrypted(at: TokenCacheLocation, path: string, name: string, value: unknown): void {
  ensurePrivateDir(at.home);
  ensurePrivateDir(ssoDir(at.home));
  writeFileAtomic(path, encryptEntry(at.key, name, JSON.stringify(value)));
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const date = (v: unknown): Date | undefined => {
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function parseClient(raw: unknown): ClientRegistration | undefined {
  if (!isRecord(raw)) return undefined;
  const clientId = str(raw['clientId']);
  const clientSecret = str(raw['clientSecret']);
  const expiresAt = date(raw['expiresAt']);
  return clientId && clientSecret && expiresAt ? { clientId, clientSecret, expiresAt } : undefined;
}

function clientJson(c: ClientRegistration) {
  return { clientId: c.clientId, clientSecret: c.clientSecret, expiresAt: c.expiresAt.toISOString() };
}

export function readClient(at: TokenCacheLocation, name: string): ClientRegistration | undefined {
  const raw = readDecrypted(at, clientPath(at.home, name), name);
  return isRecord(raw) && raw['v'] === 1 ? parseClient(raw) : undefined;
}

export function writeClient(at: TokenCacheLocation, name: string, client: ClientRegistration): void {
  writeEncrypted(at, clientPath(at.home, name), name, { v: 1, ...clientJson(client) });
}

export function deleteClient(home: string, name: string): void {
  unlinkQuietly(clientPath(home, name));
}

export function readToken(at: TokenCacheLocation, name: string): SsoToken | undefined {
  const raw = readDecrypted(at, tokenPath(at.home, name), name);
  if (!isRecord(raw) || raw['v'] !== 1) return undefined;
  const startUrl = str(raw['startUrl']);
  const region = str(raw['region']);
  const session = str(raw['session']);
  const accessToken = str(raw['accessToken']);
  const expiresAt = date(raw['expiresAt']);
  const signedInAt = date(raw['signedInAt']);
  const client = parseClient(raw['client']);
  if (!startUrl || !region || !session || !accessToken || !expiresAt || !signedInAt || !client) return undefined;
  const refreshToken = str(raw['refreshToken']);
  const user = str(raw['user']);
  return new SsoToken({
    startUrl,
    region,
    session,
    accessToken,
    expiresAt,
    signedInAt,
    client,
    ...(refreshToken ? { refreshToken } : {}),
    ...(user ? { user } : {}),
  });
}

export function writeToken(at: TokenCacheLocation, name: string, token: SsoToken): void {
  const f = token.fields();
  writeEncrypted(at, tokenPath(at.home, name), name, {
    v: 1,
    startUrl: f.startUrl,
    region: f.region,
    session: f.session,
    accessToken: f.accessToken,
    expiresAt: f.expiresAt.toISOString(),
    ...(f.refreshToken ? { refreshToken: f.refreshToken } : {}),
    client: clientJson(f.client),
    signedInAt: f.signedInAt.toISOString(),
    ...(f.user ? { user: f.user } : {}),
  });
}

export function deleteToken(home: string, name: string): void {
  unlinkQuietly(tokenPath(home, name));
}
