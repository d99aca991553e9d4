import { randomBytes } from 'node:crypto';
import { hashToken, isoAt, newToken } from '../../core/team/index.js';
import type { AppContext } from '../app-env.js';
import { DEFAULT_SESSION_TTL_MS } from './authenticate.js';
import { writeSessionCookie } from './session-cookie.js';

/** Starts a session for the user: the cookie carries the token, the database its hash; returns the CSRF token. */
export async function startSession(c: AppContext, userId: string): Promise<{ csrfToken: string; expiresAt: string }> {
  const deps = c.get('deps');
  const token = newToken('xbs_');
  const csrfToken = randomBytes(24).toString('base64url');
  const now = deps.now();
  const ttl = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const expiresAt = isoAt(now + ttl);
  await deps.store.db
    .insertInto('sessions')
    .values({
      id_hash: hashToken(token),
      user_id: userId,
      csrf_token: csrfToken,
      created_at: isoAt(now),
      expires_at: expiresAt,
      last_seen_at: isoAt(now),
      address: c.get('address'),
      second_factor_at: null,
    })
    .execute();
  writeSessionCookie(c, token, Math.floor(ttl / 1000));
  return { csrfToken, expiresAt };
}
