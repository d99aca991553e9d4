import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { PASSWORDS, setupOwner, signIn, startTeamWorld, tokenClient, type TeamWorld } from '../helpers/team-server.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => pg?.stop());

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`auth_${Math.random().toString(36).slice(2, 8)}`)],
];

describe.each(databases)('sign-in on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  beforeAll(async () => {
    world = await startTeamWorld({ dbUrl: await dbUrl() });
  });
  afterAll(async () => world?.close());

  it('opens nothing but setup before the owner exists, and refuses a wrong setup token', async () => {
    const anon = world.anonymous();
    expect((await anon.get('/api/status')).body).toEqual({ setup_done: false });
    expect((await anon.post('/api/session', { username: 'alice', password: 'x' })).status).toBe(403);
    expect((await anon.post('/api/device', {})).status).toBe(403);
    const wrong = await anon.post('/api/setup', {
      token: 'xbsetup_wrong',
      username: 'alice',
      password: PASSWORDS['alice'],
    });
    expect(wrong.status).toBe(403);
    const alice = await setupOwner(world);
    expect((await alice.get('/api/session')).body).toMatchObject({ user: { username: 'alice', server_role: 'owner' } });
    // the token is used once
    const again = await anon.post('/api/setup', {
      token: world.setupToken,
      username: 'mallory',
      password: 'mallory-password-1',
    });
    expect(again.status).toBe(409);
  });

  it('signs in with the right password and refuses the wrong one with one message for both unknowns', async () => {
    const owner = await signIn(world, 'alice');
    await signIn(world, 'bob', owner);
    const wrongPassword = await world
      .anonymous()
      .post('/api/session', { username: 'bob', password: 'wrong-password-1' });
    const unknownUser = await world
      .anonymous()
      .post('/api/session', { username: 'nobody', password: 'wrong-password-1' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(wrongPassword.body).toEqual(unknownUser.body);
  });

  it('sets an HttpOnly SameSite=Strict cookie and refuses a state change without the CSRF token', async () => {
    const anon = world.anonymous();
    const answer = await anon.post('/api/session', { username: 'alice', password: PASSWORDS['alice'] });
    const cookie = answer.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    anon.sendCsrf = false;
    const forged = await anon.post('/api/tokens', { name: 'forged' });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ error: { code: 'CSRF' } });
    anon.sendCsrf = true;
    const wrong = anon.clone();
    wrong.csrf = 'not-the-token';
    expect((await wrong.post('/api/tokens', { name: 'forged' })).status).toBe(403);
    expect((await anon.post('/api/tokens', { name: 'real' })).status).toBe(201);
  });

  it('ends a session at sign-out and when it expires', async () => {
    const bob = await signIn(world, 'bob');
    const stolen = bob.clone();
    expect((await bob.delete('/api/session')).status).toBe(200);
    expect((await stolen.get('/api/session')).status).toBe(401);
    const later = await signIn(world, 'bob');
    world.clock.advance(13 * 3600_000);
    expect((await later.get('/api/session')).status).toBe(401);
  });

  it('takes an API token until it is revoked, then refuses the replay', async () => {
    const alice = await signIn(world, 'alice');
    const cli = await tokenClient(world, alice, 'laptop');
    expect((await cli.get('/api/session')).body).toMatchObject({ user: { username: 'alice' }, via: 'token' });
    const list = await alice.get<{ tokens: { id: string; name: string; token?: string }[] }>('/api/tokens');
    const laptop = list.body.tokens.find((t) => t.name === 'laptop');
    expect(laptop).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(cli.token);
    expect((await alice.delete(`/api/tokens/${laptop?.id ?? ''}`)).status).toBe(200);
    const replay = await cli.get('/api/session');
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });

  it('expires an API token at its expiry', async () => {
    const alice = await signIn(world, 'alice');
    const made = await alice.post<{ token: string }>('/api/tokens', { name: 'short', expires_in_days: 1 });
    const cli = world.anonymous();
    cli.token = made.body.token;
    expect((await cli.get('/api/session')).status).toBe(200);
    world.clock.advance(86_400_000 + 1000);
    expect((await cli.get('/api/session')).status).toBe(401);
  });

  it('signs the CLI in with a device code the user approves, once', async () => {
    const cli = world.anonymous();
    const start = await cli.post<{ device_code: string; user_code: string }>('/api/device', {
      client_name: 'crossbar on laptop',
    });
    expect(start.status).toBe(201);
    expect((await cli.post('/api/device/token', { device_code: start.body.device_code })).status).toBe(428);
    const carol = await signIn(world, 'carol', await signIn(world, 'alice'));
    expect((await carol.post('/api/device/approve', { user_code: start.body.user_code })).status).toBe(200);
    const collected = await cli.post<{ token: string; username: string }>('/api/device/token', {
      device_code: start.body.device_code,
    });
    expect(collected.status).toBe(200);
    expect(collected.body.username).toBe('carol');
    expect((await cli.post('/api/device/token', { device_code: start.body.device_code })).status).toBe(410);
    const bearer = world.anonymous();
    bearer.token = collected.body.token;
    expect((await bearer.get('/api/session')).body).toMatchObject({ user: { username: 'carol' } });
  });

  it('locks an account after 20 wrong passwords, and records both in the trail', async () => {
    const owner = await signIn(world, 'alice');
    await signIn(world, 'dave', owner);
    for (let i = 0; i < 20; i++)
      await world.anonymous().post('/api/session', { username: 'dave', password: `wrong-password-${i}` });
    const locked = await world.anonymous().post('/api/session', { username: 'dave', password: PASSWORDS['dave'] });
    expect(locked.status).toBe(423);
    expect(locked.body).toMatchObject({ error: { code: 'LOCKED' } });
    const rows = await world.store.db
      .selectFrom('trail')
      .select(['action', 'outcome', 'actor'])
      .where('actor', '=', 'dave')
      .execute();
    expect(rows.filter((r) => r.action === 'auth.sign_in' && r.outcome === 'denied').length).toBeGreaterThanOrEqual(21);
    expect(rows.some((r) => r.action === 'auth.locked')).toBe(true);
    world.clock.advance(16 * 60_000);
    expect(
      (await world.anonymous().post('/api/session', { username: 'dave', password: PASSWORDS['dave'] })).status,
    ).toBe(200);
  });

  it('answers malformed, oversized and SQL-looking input with a 400-class error and no stack', async () => {
    const anon = world.anonymous();
    const malformed = await anon.request('POST', '/api/session', undefined, '{"username": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'INVALID', message: 'the request body is not valid JSON' } });
    const huge = await anon.request(
      'POST',
      '/api/session',
      undefined,
      JSON.stringify({ username: 'x'.repeat(70_000), password: 'y' }),
    );
    expect(huge.status).toBe(413);
    const sql = await anon.post('/api/session', { username: "alice' OR '1'='1", password: "' OR 1=1 --" });
    expect(sql.status).toBe(401);
    expect(JSON.stringify([malformed.body, huge.body, sql.body])).not.toMatch(/at \w+ \(|node_modules/);
  });

  it('keeps no password, session or token in the database or the trail', async () => {
    const dump = JSON.stringify([
      await world.store.db.selectFrom('users').selectAll().execute(),
      await world.store.db.selectFrom('sessions').selectAll().execute(),
      await world.store.db.selectFrom('api_tokens').selectAll().execute(),
      await world.store.db.selectFrom('trail').selectAll().execute(),
    ]);
    for (const password of Object.values(PASSWORDS)) expect(dump).not.toContain(password);
    expect(dump).not.toMatch(/xbt_[A-Za-z0-9_-]{40}/);
    expect(dump).not.toMatch(/xbs_[A-Za-z0-9_-]{40}/);
  });
});
