import type { MiddlewareHandler } from 'hono';
import { CrossbarError } from '../../core/errors.js';
import { hashToken, isoAt, sameSecret } from '../../core/team/index.js';
import type { AppContext, AppEnv, Principal } from '../app-env.js';
import { readSessionCookie } from './session-cookie.js';

export const DEFAULT_SESSION_TTL_MS = 12 * 3600_000;
export const DEFAULT_SESSION_IDLE_MS = 2 * 3600_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds who is calling, for every /api route: `Authorization: Bearer xbt_…` (an API token: not revoked, not
 * expired) or the session cookie (not expired, not idle too long). A cookie-authenticated request that changes
 * anything must carry the session's CSRF token in `X-CSRF-Token`; a bearer token is not sent by a browser on its
 * own, so it needs none. A bad credential is a 401 at once, never silently anonymous.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer) c.set('principal', await fromToken(c, bearer));
  else {
    const cookie = readSessionCookie(c);
    if (cookie) {
      const { csrf, ...principal } = await fromSession(c, cookie);
      if (!SAFE_METHODS.has(c.req.method)) checkCsrf(c, csrf);
      c.set('principal', principal);
    }
  }
  await next();
};

async function fromToken(c: AppContext, token: string): Promise<Principal> {
  const { store, now } = c.get('deps');
  const row = await store.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      'api_tokens.id as id',
      'api_tokens.expires_at as expires_at',
      'api_tokens.revoked_at as revoked_at',
      'api_tokens.last_used_at as last_used_at',
      'api_tokens.second_factor_at as second_factor_at',
      'users.id as user_id',
      'users.username as username',
      'users.server_role as server_role',
      'users.disabled as disabled',
    ])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  const at = isoAt(now());
  if (!row || row.revoked_at !== null || row.expires_at <= at || Number(row.disabled) !== 0)
    throw new CrossbarError('UNAUTHENTICATED', 'the API token is not valid: unknown, revoked or expired', {
      hint: 'sign in again with `crossbar login --server URL`, or create a new token',
    });
  // last_used_at moves at most once a minute: a script calling in a loop does not write on every request.
  if (row.last_used_at === null || Date.parse(row.last_used_at) + 60_000 <= now())
    await store.db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', row.id).execute();
  return {
    userId: row.user_id,
    username: row.username,
    serverRole: row.server_role,
    via: 'token',
    credentialId: row.id,
    secondFactorAt: row.second_factor_at,
  };
}

async function fromSession(c: AppContext, token: string): Promise<Principal & { csrf: string }> {
  const deps = c.get('deps');
  const { store, now } = deps;
  const idHash = hashToken(token);
  const row = await store.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.expires_at as expires_at',
      'sessions.last_seen_at as last_seen_at',
      'sessions.csrf_token as csrf_token',
      'sessions.second_factor_at as second_factor_at',
      'users.id as user_id',
      'users.username as username',
      'users.server_role as server_role',
      'users.disabled as disabled',
    ])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  const nowMs = now();
  const idleMs = deps.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  if (
    !row ||
    row.expires_at <= isoAt(nowMs) ||
    Date.parse(row.last_seen_at) + idleMs <= nowMs ||
    Number(row.disabled) !== 0
  )
    throw new CrossbarError('UNAUTHENTICATED', 'the session has ended (signed out, expired or idle too long)', {
      hint: 'sign in again',
    });
  // last_seen_at moves at most once a minute: a busy page does not write on every request.
  if (Date.parse(row.last_seen_at) + 60_000 <= nowMs)
    await store.db
      .updateTable('sessions')
      .set({ last_seen_at: isoAt(nowMs) })
      .where('id_hash', '=', idHash)
      .execute();
  return {
    userId: row.user_id,
    username: row.username,
    serverRole: row.server_role,
    via: 'session',
    credentialId: idHash,
    secondFactorAt: row.second_factor_at,
    csrf: row.csrf_token,
  };
}

function checkCsrf(c: AppContext, csrf: string): void {
  const sent = c.req.header('x-csrf-token');
  if (!sent || !sameSecret(sent, csrf))
    throw new CrossbarError('CSRF', 'the request has no valid CSRF token', {
      hint: 'send the X-CSRF-Token header with the token GET /api/session returns',
    });
}

/** The caller, or a 401: every route but sign-in, setup and health starts with this. */
export function requireUser(c: AppContext): Principal {
  const principal = c.get('principal');
  if (!principal)
    throw new CrossbarError('UNAUTHENTICATED', 'sign in first: this needs a session or an API token', {
      hint: 'crossbar login --server URL, or POST /api/session',
    });
  return principal;
}

/** The caller, who must be a server owner (creates users and workspaces). */
export function requireOwner(c: AppContext): Principal {
  const principal = requireUser(c);
  if (principal.serverRole !== 'owner')
    throw new CrossbarError('FORBIDDEN', `${principal.username} is not an owner of this server`, {
      hint: 'ask an owner of the server to do this',
    });
  return principal;
}
