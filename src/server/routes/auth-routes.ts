import type { Hono } from 'hono';
import { z } from 'zod';
import { CrossbarError } from '../../core/errors.js';
import {
  adoptOrphanWorkspaces,
  countUsers,
  createUser,
  decoyHash,
  findUserById,
  findUserByName,
  isoAt,
  publicUser,
  verifyPassword,
} from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { AttemptLimiter } from '../auth/attempt-limiter.js';
import { requireOwner, requireUser } from '../auth/authenticate.js';
import { clearSessionCookie } from '../auth/session-cookie.js';
import { startSession } from '../auth/sessions.js';
import { consumeSetupToken, setupTokenMatches } from '../auth/setup-token.js';
import { readJson } from '../read-json.js';
import { recordTrail } from '../record-trail.js';

/** Wrong passwords in a row that lock an account, and for how long. */
export const LOCK_AFTER_FAILURES = 20;
export const LOCK_FOR_MS = 15 * 60_000;
/** Failed sign-ins one address may make in a window before it waits. */
export const ADDRESS_FAILURE_LIMIT = 50;
export const ADDRESS_WINDOW_MS = 15 * 60_000;

const SignInSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
const SetupSchema = z
  .object({
    token: z.string().min(1).max(256),
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(1024),
    display_name: z.string().max(128).optional(),
  })
  .strict();
const NewUserSchema = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(1024),
    display_name: z.string().max(128).optional(),
    server_role: z.enum(['owner', 'member']).default('member'),
  })
  .strict();

/**
 * Sign-in and the people of the server:
 * - `GET /api/status`: whether setup is done (open to all: the UI needs it before anyone signs in);
 * - `POST /api/setup`: the one-time setup token creates the first owner, and signs them in;
 * - `POST /api/session` signs in, `GET /api/session` says who you are (and the CSRF token), `DELETE` signs out;
 * - `POST /api/users` (server owners) adds a user; `GET /api/users` lists them.
 * Sign-in failures count per account (20 in a row lock it for 15 minutes) and per address; both are in the trail.
 */
export function registerAuthRoutes(app: Hono<AppEnv>): void {
  const byAddress = new AttemptLimiter(ADDRESS_FAILURE_LIMIT, ADDRESS_WINDOW_MS);

  app.get('/api/status', async (c) => {
    const users = await countUsers(c.get('deps').store);
    return c.json({ setup_done: users > 0 });
  });

  app.post('/api/setup', async (c) => {
    const { store, now } = c.get('deps');
    const body = await readJson(c, SetupSchema);
    if ((await countUsers(store)) > 0)
      throw new CrossbarError('CONFLICT', 'this server is already set up', { hint: 'sign in instead' });
    if (!(await setupTokenMatches(store, body.token))) {
      await trail(c, 'anonymous', 'setup.owner_created', 'denied', { reason: 'wrong setup token' });
      throw new CrossbarError('FORBIDDEN', 'the setup token is not the one this server printed', {
        hint: 'use the setup link from the latest start of `crossbar serve`',
      });
    }
    const user = await createUser(
      store,
      { username: body.username, displayName: body.display_name, password: body.password, serverRole: 'owner' },
      now(),
    );
    await consumeSetupToken(store);
    await trail(c, user.username, 'setup.owner_created', 'ok', {});
    // Workspaces imported before there was an owner (`crossbar serve --import`) become the first owner's.
    for (const ws of await adoptOrphanWorkspaces(store, user.id, now()))
      await recordTrail(
        c,
        {
          actor: user.username,
          action: 'member.added',
          outcome: 'ok',
          workspace: ws.name,
          target: user.username,
          details: { role: 'owner', via: 'setup' },
        },
        ws.id,
      );
    const session = await startSession(c, user.id);
    return c.json({ user: publicUser(user), csrf_token: session.csrfToken, expires_at: session.expiresAt }, 201);
  });

  app.post('/api/session', async (c) => {
    const { store, now } = c.get('deps');
    const address = c.get('address');
    const wait = byAddress.blockedFor(address, now());
    if (wait > 0) {
      c.header('Retry-After', String(Math.ceil(wait / 1000)));
      throw new CrossbarError('THROTTLED', `too many failed sign-ins from ${address}`, {
        hint: `wait ${Math.ceil(wait / 60_000)} min and try again`,
      });
    }
    const body = await readJson(c, SignInSchema);
    const user = await findUserByName(store, body.username);
    const nowMs = now();
    if (user?.locked_until && user.locked_until > isoAt(nowMs)) {
      await trail(c, body.username, 'auth.sign_in', 'denied', { reason: 'locked' });
      throw new CrossbarError('LOCKED', `the account ${body.username} is locked after too many wrong passwords`, {
        hint: `try again after ${user.locked_until}, or ask a server owner`,
      });
    }
    const valid = await verifyPassword(user?.password_hash ?? (await decoyHash()), body.password);
    if (!user || !valid || Number(user.disabled) !== 0) {
      byAddress.fail(address, nowMs);
      if (user) {
        const failures = Number(user.failed_logins) + 1;
        const lock = failures >= LOCK_AFTER_FAILURES;
        await store.db
          .updateTable('users')
          .set({
            failed_logins: lock ? 0 : failures,
            locked_until: lock ? isoAt(nowMs + LOCK_FOR_MS) : user.locked_until,
          })
          .where('id', '=', user.id)
          .execute();
        if (lock) await trail(c, user.username, 'auth.locked', 'denied', { failures: LOCK_AFTER_FAILURES });
      }
      await trail(c, body.username, 'auth.sign_in', 'denied', { reason: 'wrong user name or password' });
      throw new CrossbarError('UNAUTHENTICATED', 'wrong user name or password', { hint: 'check both and try again' });
    }
    byAddress.succeed(address);
    await store.db
      .updateTable('users')
      .set({ failed_logins: 0, locked_until: null })
      .where('id', '=', user.id)
      .execute();
    const session = await startSession(c, user.id);
    await trail(c, user.username, 'auth.sign_in', 'ok', {});
    return c.json({ user: publicUser(user), csrf_token: session.csrfToken, expires_at: session.expiresAt });
  });

  app.get('/api/session', async (c) => {
    const principal = requireUser(c);
    const { store } = c.get('deps');
    const user = await findUserById(store, principal.userId);
    if (!user)
      throw new CrossbarError('UNAUTHENTICATED', 'the user of this session no longer exists', {
        hint: 'sign in again',
      });
    const session =
      principal.via === 'session'
        ? await store.db
            .selectFrom('sessions')
            .select(['csrf_token', 'expires_at'])
            .where('id_hash', '=', principal.credentialId)
            .executeTakeFirst()
        : undefined;
    return c.json({
      user: publicUser(user),
      via: principal.via,
      csrf_token: session?.csrf_token ?? null,
      expires_at: session?.expires_at ?? null,
    });
  });

  app.delete('/api/session', async (c) => {
    const principal = requireUser(c);
    if (principal.via === 'session')
      await c.get('deps').store.db.deleteFrom('sessions').where('id_hash', '=', principal.credentialId).execute();
    clearSessionCookie(c);
    await trail(c, principal.username, 'auth.sign_out', 'ok', {});
    return c.json({ ok: true });
  });

  app.get('/api/users', async (c) => {
    requireOwner(c);
    const users = await c.get('deps').store.db.selectFrom('users').selectAll().orderBy('username').execute();
    return c.json({ users: users.map(publicUser) });
  });

  app.post('/api/users', async (c) => {
    const owner = requireOwner(c);
    const { store, now } = c.get('deps');
    const body = await readJson(c, NewUserSchema);
    const user = await createUser(
      store,
      {
        username: body.username,
        displayName: body.display_name,
        password: body.password,
        serverRole: body.server_role,
      },
      now(),
    );
    await trail(c, owner.username, 'user.created', 'ok', { username: user.username, server_role: user.server_role });
    return c.json({ user: publicUser(user) }, 201);
  });
}

function trail(
  c: AppContext,
  actor: string,
  action: string,
  outcome: 'ok' | 'denied',
  details: Record<string, unknown>,
) {
  return recordTrail(c, { actor, action, outcome, details });
}
