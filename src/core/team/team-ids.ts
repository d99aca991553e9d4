import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random id for a row: 16 bytes, base64url (no sequence to guess, the same on SQLite and PostgreSQL). */
export function newId(): string {
  return randomBytes(16).toString('base64url');
}

/** A secret token with a readable prefix (`xbs_` session, `xbt_` API token): 32 random bytes. */
export function newToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** Tokens are stored as their SHA-256 only: a copy of the database opens no session. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}
