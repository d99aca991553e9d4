import { randomBytes } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { CrossbarError } from '../../core/errors.js';
import { hashToken, isoAt, newId, newToken, type TeamStore } from '../../core/team/index.js';
import type { AppEnv } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { readJson } from '../read-json.js';
import { recordTrail } from '../record-trail.js';

const NewTokenSchema = z
  .object({
    name: z.string().min(1).max(128),
    expires_in_days: z.number().int().min(1).max(365).default(90),
  })
  .strict();
const DeviceStartSchema = z.object({ client_name: z.string().min(1).max(128).default('crossbar CLI') }).strict();
const DeviceApproveSchema = z.object({ user_code: z.string().min(1).max(16) }).strict();
const DeviceTokenSchema = z.object({ device_code: z.string().min(1).max(256) }).strict();

/** How long a device code waits for its approval, and how often the CLI asks. */
export const DEVICE_CODE_TTL_MS = 10 * 60_000;
export const DEVICE_POLL_SECONDS = 1;
export const CLI_TOKEN_DAYS = 30;

/**
 * API tokens for the CLI and scripts, and the device-style sign-in of `crossbar login --server URL`:
 * - `POST /api/tokens` makes a token (shown once, stored as its SHA-256, with an expiry), `GET` lists the caller's
 *   (never the token), `DELETE /api/tokens/:id` revokes one;
 * - `POST /api/device` (no sign-in) starts a device login: a device code for the CLI and a short user code for the
 *   person; `POST /api/device/approve` (signed in) approves the user code; `POST /api/device/token` collects the
 *   token once approved (428 while pending, 410 once expired or collected).
 */
export function registerTokenRoutes(app: Hono<AppEnv>): void {
  app.post('/api/tokens', async (c) => {
    const principal = requireUser(c);
    const body = await readJson(c, NewTokenSchema);
    const { store, now } = c.get('deps');
    const made = await createApiToken(store, principal.userId, body.name, body.expires_in_days, now());
    await recordTrail(c, {
      actor: principal.username,
      action: 'token.created',
      outcome: 'ok',
      target: made.id,
      details: { name: body.name, prefix: made.prefix, expires_at: made.expires_at },
    });
    return c.json(made, 201);
  });

  app.get('/api/tokens', async (c) => {
    const principal = requireUser(c);
    const rows = await c
      .get('deps')
      .store.db.selectFrom('api_tokens')
      .select(['id', 'name', 'prefix', 'created_at', 'expires_at', 'revoked_at', 'last_used_at'])
      .where('user_id', '=', principal.userId)
      .orderBy('created_at')
      .execute();
    return c.json({ tokens: rows });
  });

  app.delete('/api/tokens/:id', async (c) => {
    const principal = requireUser(c);
    const { store, now } = c.get('deps');
    const id = c.req.param('id');
    const row = await store.db
      .selectFrom('api_tokens')
      .select(['id', 'name', 'revoked_at'])
      .where('id', '=', id)
      .where('user_id', '=', principal.userId)
      .executeTakeFirst();
    if (!row) throw new CrossbarError('NOT_FOUND', `no token ${id} of yours`, { hint: 'GET /api/tokens lists them' });
    if (row.revoked_at === null)
      await store.db
        .updateTable('api_tokens')
        .set({ revoked_at: isoAt(now()) })
        .where('id', '=', id)
        .execute();
    await recordTrail(c, {
      actor: principal.username,
      action: 'token.revoked',
      outcome: 'ok',
      target: id,
      details: { name: row.name },
    });
    return c.json({ ok: true });
  });

  app.post('/api/device', async (c) => {
    const body = await readJson(c, DeviceStartSchema);
    const { store, now, publicUrl } = c.get('deps');
    const deviceCode = newToken('xbd_');
    const userCode = newUserCode();
    await store.db
      .insertInto('device_codes')
      .values({
        device_code_hash: hashToken(deviceCode),
        user_code: userCode,
        created_at: isoAt(now()),
        expires_at: isoAt(now() + DEVICE_CODE_TTL_MS),
        approved_by: null,
        approved_at: null,
        collected_at: null,
        client_name: body.client_name,
      })
      .execute();
    return c.json(
      {
        device_code: deviceCode,
        user_code: userCode,
        verification_uri: `${publicUrl}/device`,
        verification_uri_complete: `${publicUrl}/device?code=${userCode}`,
        expires_in: DEVICE_CODE_TTL_MS / 1000,
        interval: DEVICE_POLL_SECONDS,
      },
      201,
    );
  });

  app.post('/api/device/approve', async (c) => {
    const principal = requireUser(c);
    const body = await readJson(c, DeviceApproveSchema);
    const { store, now } = c.get('deps');
    const code = body.user_code.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const row = await store.db
      .selectFrom('device_codes')
      .selectAll()
      .where('user_code', '=', formatUserCode(code))
      .executeTakeFirst();
    if (!row || row.expires_at <= isoAt(now()) || row.approved_at !== null)
      throw new CrossbarError('NOT_FOUND', `the code ${body.user_code} is unknown, expired or already used`, {
        hint: 'run `crossbar login --server URL` again for a new code',
      });
    await store.db
      .updateTable('device_codes')
      .set({ approved_by: principal.userId, approved_at: isoAt(now()) })
      .where('device_code_hash', '=', row.device_code_hash)
      .execute();
    await recordTrail(c, {
      actor: principal.username,
      action: 'device.approved',
      outcome: 'ok',
      details: { client_name: row.client_name },
    });
    return c.json({ ok: true, client_name: row.client_name });
  });

  app.post('/api/device/token', async (c) => {
    const body = await readJson(c, DeviceTokenSchema);
    const { store, now } = c.get('deps');
    const hash = hashToken(body.device_code);
    const row = await store.db
      .selectFrom('device_codes')
      .selectAll()
      .where('device_code_hash', '=', hash)
      .executeTakeFirst();
    if (!row || row.expires_at <= isoAt(now()) || row.collected_at !== null)
      return c.json(
        {
          error: {
            code: 'UNAUTHENTICATED',
            message: 'the device code is unknown, expired or already used',
            hint: 'run `crossbar login` again',
          },
        },
        410,
      );
    if (!row.approved_by || !row.approved_at)
      return c.json({ error: { code: 'UNAUTHENTICATED', message: 'authorization_pending: not approved yet' } }, 428);
    const claimed = await store.db
      .updateTable('device_codes')
      .set({ collected_at: isoAt(now()) })
      .where('device_code_hash', '=', hash)
      .where('collected_at', 'is', null)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1)
      return c.json({ error: { code: 'UNAUTHENTICATED', message: 'the device code was already used' } }, 410);
    const made = await createApiToken(store, row.approved_by, row.client_name, CLI_TOKEN_DAYS, now());
    const user = await store.db
      .selectFrom('users')
      .select('username')
      .where('id', '=', row.approved_by)
      .executeTakeFirstOrThrow();
    await recordTrail(c, {
      actor: user.username,
      action: 'token.created',
      outcome: 'ok',
      target: made.id,
      details: { name: row.client_name, prefix: made.prefix, expires_at: made.expires_at, via: 'device' },
    });
    return c.json({ ...made, username: user.username });
  });
}

export async function createApiToken(
  store: TeamStore,
  userId: string,
  name: string,
  days: number,
  now: number,
): Promise<{ id: string; token: string; prefix: string; name: string; expires_at: string }> {
  const token = newToken('xbt_');
  const id = newId();
  const prefix = token.slice(0, 10);
  const expiresAt = isoAt(now + days * 86_400_000);
  await store.db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: userId,
      name,
      token_hash: hashToken(token),
      prefix,
      created_at: isoAt(now),
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
      second_factor_at: null,
    })
    .execute();
  return { id, token, prefix, name, expires_at: expiresAt };
}

/** Eight letters from an alphabet without look-alikes, shown as ABCD-EFGH. */
function newUserCode(): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  const bytes = randomBytes(8);
  return formatUserCode(Array.from(bytes, (b) => alphabet[b % alphabet.length]).join(''));
}

function formatUserCode(code: string): string {
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
}
