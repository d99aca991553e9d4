import type { Hono } from 'hono';
import { z } from 'zod';
import { CrossbarError } from '../../core/errors.js';
import {
  findUserById,
  isoAt,
  newTotpSecret,
  sealSecret,
  secondFactorFresh,
  TOTP_PERIOD_MS,
  totpUri,
  type UserRow,
} from '../../core/team/index.js';
import type { AppContext, AppEnv, Principal } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import {
  markSecondFactor,
  proveSecondFactor,
  serverKeyOf,
  spendCode,
  totpPurpose,
  totpSecretOf,
} from '../auth/second-factor.js';
import { readJson } from '../read-json.js';
import { recordTrail } from '../record-trail.js';

const CodeSchema = z.object({ code: z.string().min(1).max(16) }).strict();

/**
 * The member's own TOTP, enrolled in the server (admin roles need it fresh):
 * - `POST /api/me/totp` starts enrolment: a new secret and its otpauth:// URL, shown this once, stored sealed with
 *   the server key; not usable until confirmed. A member with a confirmed TOTP gets 409 (remove it first).
 * - `POST /api/me/totp/confirm { code }` confirms it with a code from the authenticator (and counts as a second
 *   factor for this session or token).
 * - `DELETE /api/me/totp` removes it; needs a fresh second factor, so a stolen session cannot swap the device.
 * - `POST /api/me/second-factor { code }` marks this session or API token as freshly second-factored.
 * A code is good once (`users.totp_last_step`); wrong codes are MFA_INVALID (401), in the trail, and limited.
 */
export function registerTotpRoutes(app: Hono<AppEnv>): void {
  app.post('/api/me/totp', async (c) => {
    const principal = requireUser(c);
    const deps = c.get('deps');
    const user = await currentUser(c, principal);
    if (user.totp_enrolled_at !== null)
      throw new CrossbarError('CONFLICT', `${user.username} already has a TOTP enrolled`, {
        hint: 'to change the device, prove the current one (POST /api/me/second-factor), DELETE /api/me/totp, then enrol again',
      });
    const secret = newTotpSecret();
    await deps.store.db
      .updateTable('users')
      .set({
        totp_secret_enc: sealSecret(await serverKeyOf(deps), totpPurpose(user.id), secret),
        totp_enrolled_at: null,
        totp_last_step: null,
      })
      .where('id', '=', user.id)
      .execute();
    await trail(c, principal, 'totp.enrol', 'ok', { step: 'started' });
    const issuer = issuerOf(deps.publicUrl);
    return c.json(
      {
        secret,
        otpauth_url: totpUri(secret, user.username, issuer),
        issuer,
        algorithm: 'SHA1',
        digits: 6,
        period: TOTP_PERIOD_MS / 1000,
        hint: 'add it to your authenticator, then POST /api/me/totp/confirm with its current code; it is not shown again',
      },
      201,
    );
  });

  app.post('/api/me/totp/confirm', async (c) => {
    const principal = requireUser(c);
    const body = await readJson(c, CodeSchema);
    const deps = c.get('deps');
    const user = await currentUser(c, principal);
    if (user.totp_enrolled_at !== null)
      throw new CrossbarError('CONFLICT', `${user.username}'s TOTP is already confirmed`, {
        hint: 'nothing to do: POST /api/me/second-factor proves it',
      });
    const secret = await totpSecretOf(deps, user);
    if (secret === undefined)
      throw new CrossbarError('CONFLICT', `${user.username} has no TOTP enrolment to confirm`, {
        hint: 'POST /api/me/totp first',
      });
    try {
      await spendCode(c, user, secret, body.code);
    } catch (err) {
      await trail(c, principal, 'totp.enrol', 'denied', { step: 'confirm', reason: reasonOf(err) });
      throw err;
    }
    await deps.store.db
      .updateTable('users')
      .set({ totp_enrolled_at: isoAt(deps.now()) })
      .where('id', '=', user.id)
      .execute();
    const at = await markSecondFactor(c, principal);
    await trail(c, principal, 'totp.enrol', 'ok', { step: 'confirmed' });
    return c.json({ enrolled: true, second_factor_at: at });
  });

  app.delete('/api/me/totp', async (c) => {
    const principal = requireUser(c);
    const deps = c.get('deps');
    const user = await currentUser(c, principal);
    if (user.totp_secret_enc === null) return c.json({ enrolled: false });
    if (user.totp_enrolled_at !== null && !secondFactorFresh(principal.secondFactorAt, deps.now())) {
      await trail(c, principal, 'totp.removed', 'denied', { reason: 'no fresh second factor' });
      throw new CrossbarError('MFA_REQUIRED', 'removing your TOTP needs a second factor from the last 5 minutes', {
        hint: 'POST /api/me/second-factor { code } with the current code first',
      });
    }
    await deps.store.db
      .updateTable('users')
      .set({ totp_secret_enc: null, totp_enrolled_at: null, totp_last_step: null })
      .where('id', '=', user.id)
      .execute();
    await trail(c, principal, 'totp.removed', 'ok', {});
    return c.json({ enrolled: false });
  });

  app.post('/api/me/second-factor', async (c) => {
    const principal = requireUser(c);
    const body = await readJson(c, CodeSchema);
    let at: string;
    try {
      at = await proveSecondFactor(c, principal, body.code);
    } catch (err) {
      await trail(c, principal, 'auth.second_factor', 'denied', { via: principal.via, reason: reasonOf(err) });
      throw err;
    }
    await trail(c, principal, 'auth.second_factor', 'ok', { via: principal.via });
    return c.json({ second_factor_at: at });
  });
}

async function currentUser(c: AppContext, principal: Principal): Promise<UserRow> {
  const user = await findUserById(c.get('deps').store, principal.userId);
  if (!user)
    throw new CrossbarError('UNAUTHENTICATED', 'the user of this session no longer exists', { hint: 'sign in again' });
  return user;
}

/** The authenticator shows `crossbar (host)`: a member with two servers tells them apart. */
function issuerOf(publicUrl: string): string {
  try {
    return `crossbar (${new URL(publicUrl).host})`;
  } catch {
    return 'crossbar';
  }
}

/** What the trail says of a refusal: the error's code, never the code the member sent. */
export function reasonOf(err: unknown): string {
  return err instanceof CrossbarError ? err.code : 'ERROR';
}

function trail(
  c: AppContext,
  principal: Principal,
  action: string,
  outcome: 'ok' | 'denied',
  details: Record<string, unknown>,
) {
  return recordTrail(c, { actor: principal.username, action, outcome, details });
}
