import { CrossbarError } from '../../core/errors.js';
import { findUserById, isoAt, loadServerKey, openSecret, totpStepOf, type UserRow } from '../../core/team/index.js';
import type { AppContext, Principal } from '../app-env.js';
import type { ServerDeps } from '../server-deps.js';
import { AttemptLimiter } from './attempt-limiter.js';

/** Wrong TOTP codes one member may send in a window before waiting (a 6-digit code must not be guessed). */
export const CODE_FAILURE_LIMIT = 5;
export const CODE_WINDOW_MS = 5 * 60_000;

const keys = new WeakMap<ServerDeps, Promise<Buffer>>();
const limiters = new WeakMap<ServerDeps, AttemptLimiter>();

/** The server key (server.key 0600 or the OS keyring), loaded once per app. */
export function serverKeyOf(deps: ServerDeps): Promise<Buffer> {
  let key = keys.get(deps);
  if (!key) {
    key = loadServerKey({ home: deps.home, keyStore: deps.keyStore });
    key.catch(() => keys.delete(deps));
    keys.set(deps, key);
  }
  return key;
}

function limiterOf(deps: ServerDeps): AttemptLimiter {
  let limiter = limiters.get(deps);
  if (!limiter) limiters.set(deps, (limiter = new AttemptLimiter(CODE_FAILURE_LIMIT, CODE_WINDOW_MS)));
  return limiter;
}

export function totpPurpose(userId: string): string {
  return `totp:${userId}`;
}

/** The member's TOTP secret in the clear, from its sealed column; undefined when none is stored. */
export async function totpSecretOf(deps: ServerDeps, user: UserRow): Promise<string | undefined> {
  if (user.totp_secret_enc === null) return undefined;
  const secret = openSecret(await serverKeyOf(deps), totpPurpose(user.id), user.totp_secret_enc);
  if (secret === undefined)
    throw new CrossbarError('ERROR', `the TOTP secret of ${user.username} does not open with this server's key`, {
      hint: 'the server key changed (CROSSBAR_HOME/server.key or the OS keyring): restore it, or the member enrols again',
    });
  return secret;
}

/**
 * Checks a TOTP code against a secret and spends it: the code's time step must be later than the member's last
 * used one (`users.totp_last_step`, moved in one conditional UPDATE, so two requests cannot both spend it).
 * Wrong codes count per member; past the limit the member waits. Throws MFA_INVALID or THROTTLED.
 */
export async function spendCode(c: AppContext, user: UserRow, secret: string, code: string): Promise<void> {
  const deps = c.get('deps');
  const limiter = limiterOf(deps);
  const nowMs = deps.now();
  const wait = limiter.blockedFor(user.id, nowMs);
  if (wait > 0)
    throw new CrossbarError('THROTTLED', `too many wrong codes for ${user.username}`, {
      hint: `wait ${Math.ceil(wait / 60_000)} min and try again with your current code`,
    });
  const step = totpStepOf(secret, code.trim(), nowMs);
  if (step === undefined) {
    limiter.fail(user.id, nowMs);
    throw new CrossbarError('MFA_INVALID', `the code is not the current code of ${user.username}'s authenticator`, {
      hint: "check the authenticator entry for this server and the device's clock, and send the current 6-digit code",
    });
  }
  const spent = await deps.store.db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) {
    limiter.fail(user.id, nowMs);
    throw new CrossbarError('MFA_INVALID', `this code of ${user.username} was already used`, {
      hint: 'each code is good once: wait for the next one (up to 30 s) and send it',
    });
  }
  limiter.succeed(user.id);
}

/** Marks the caller's session or API token as freshly second-factored (admin roles look at it). */
export async function markSecondFactor(c: AppContext, principal: Principal): Promise<string> {
  const { store, now } = c.get('deps');
  const at = isoAt(now());
  if (principal.via === 'session')
    await store.db
      .updateTable('sessions')
      .set({ second_factor_at: at })
      .where('id_hash', '=', principal.credentialId)
      .execute();
  else
    await store.db
      .updateTable('api_tokens')
      .set({ second_factor_at: at })
      .where('id', '=', principal.credentialId)
      .execute();
  principal.secondFactorAt = at;
  return at;
}

/**
 * The member proves their enrolled TOTP now: the code is checked and spent, and the session or token is marked
 * fresh. MFA_REQUIRED when the member has no confirmed TOTP; MFA_INVALID or THROTTLED for a bad code.
 */
export async function proveSecondFactor(c: AppContext, principal: Principal, code: string): Promise<string> {
  const deps = c.get('deps');
  const user = await findUserById(deps.store, principal.userId);
  const secret = user && user.totp_enrolled_at !== null ? await totpSecretOf(deps, user) : undefined;
  if (!user || secret === undefined)
    throw new CrossbarError('MFA_REQUIRED', `${principal.username} has no TOTP enrolled on this server`, {
      hint: 'enrol your own TOTP first: POST /api/me/totp, then POST /api/me/totp/confirm with a code',
    });
  await spendCode(c, user, secret, code);
  return markSecondFactor(c, principal);
}
