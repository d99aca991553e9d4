import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  setupOwner,
  signIn,
  startTeamWorld,
  tokenClient,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => pg?.stop());

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`totp_${Math.random().toString(36).slice(2, 8)}`)],
];

interface Enrolment {
  secret: string;
  otpauth_url: string;
}

describe.each(databases)("a member's own TOTP on %s", (_kind, dbUrl) => {
  let world: TeamWorld;
  let owner: ApiClient;
  beforeAll(async () => {
    world = await startTeamWorld({ dbUrl: await dbUrl() });
    owner = await setupOwner(world);
  });
  afterAll(async () => world?.close());

  /** The next 30-second step's code: every code is good once, so each proof waits for a new one. */
  const nextCode = (secret: string): string => {
    world.clock.advance(30_000);
    return totpCode(secret, world.clock.now);
  };

  async function enrol(client: ApiClient): Promise<string> {
    const started = await client.post<Enrolment>('/api/me/totp');
    expect(started.status).toBe(201);
    const confirmed = await client.post('/api/me/totp/confirm', { code: nextCode(started.body.secret) });
    expect(confirmed.status).toBe(200);
    return started.body.secret;
  }

  it('enrols with a secret and an otpauth URL shown once, stored sealed with the 0600 server key', async () => {
    const bob = await signIn(world, 'bob', owner);
    const started = await bob.post<Enrolment>('/api/me/totp');
    expect(started.status).toBe(201);
    expect(started.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(started.body.otpauth_url).toMatch(/^otpauth:\/\/totp\/.*bob\?.*secret=[A-Z2-7]{32}/);
    const row = await world.store.db
      .selectFrom('users')
      .select(['totp_secret_enc', 'totp_enrolled_at'])
      .where('username', '=', 'bob')
      .executeTakeFirstOrThrow();
    expect(row.totp_secret_enc).not.toBeNull();
    expect(row.totp_secret_enc).not.toContain(started.body.secret);
    expect(row.totp_enrolled_at).toBeNull();
    expect(statSync(join(world.home, 'server.key')).mode & 0o777).toBe(0o600);
    // not usable before it is confirmed
    const early = await bob.post('/api/me/second-factor', { code: nextCode(started.body.secret) });
    expect(early.status).toBe(401);
    expect(early.body).toMatchObject({ error: { code: 'MFA_REQUIRED' } });
    // a wrong confirmation code is refused and the enrolment stays pending
    const wrong = await bob.post('/api/me/totp/confirm', {
      code: '000000' === nextCode(started.body.secret) ? '111111' : '000000',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'MFA_INVALID' } });
    const confirmed = await bob.post('/api/me/totp/confirm', { code: nextCode(started.body.secret) });
    expect(confirmed.status).toBe(200);
    expect((await bob.get('/api/session')).body).toMatchObject({ user: { totp_enrolled: true } });
    // a second enrolment is refused while one is confirmed
    expect((await bob.post('/api/me/totp')).status).toBe(409);
  });

  it('marks the session fresh with a right code, once; a wrong or replayed code is MFA_INVALID and in the trail', async () => {
    const carol = await signIn(world, 'carol', owner);
    const secret = await enrol(carol);
    const code = nextCode(secret);
    const ok = await carol.post<{ second_factor_at: string }>('/api/me/second-factor', { code });
    expect(ok.status).toBe(200);
    expect(ok.body.second_factor_at).toBe(new Date(world.clock.now).toISOString());
    const replay = await carol.post('/api/me/second-factor', { code });
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: { code: 'MFA_INVALID' } });
    const wrong = await carol.post('/api/me/second-factor', { code: code === '123456' ? '654321' : '123456' });
    expect(wrong.status).toBe(401);
    const rows = await world.store.db
      .selectFrom('trail')
      .select(['action', 'outcome', 'details_json'])
      .where('actor', '=', 'carol')
      .where('action', '=', 'auth.second_factor')
      .execute();
    expect(rows.map((r) => r.outcome).sort()).toEqual(['denied', 'denied', 'ok']);
    expect(JSON.stringify(rows)).not.toContain(code);
    const session = await world.store.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select('sessions.second_factor_at')
      .where('users.username', '=', 'carol')
      .execute();
    expect(session.some((s) => s.second_factor_at === ok.body.second_factor_at)).toBe(true);
  });

  it('marks an API token fresh, not the other sessions of the member', async () => {
    const dave = await signIn(world, 'dave', owner);
    const secret = await enrol(dave);
    const cli = await tokenClient(world, dave, 'laptop');
    expect((await cli.post('/api/me/second-factor', { code: nextCode(secret) })).status).toBe(200);
    const token = await world.store.db
      .selectFrom('api_tokens')
      .select('second_factor_at')
      .where('name', '=', 'laptop')
      .executeTakeFirstOrThrow();
    expect(token.second_factor_at).toBe(new Date(world.clock.now).toISOString());
  });

  it('refuses a member without TOTP, and throttles guessing after 5 wrong codes', async () => {
    const erin = await signIn(world, 'erin', owner);
    const none = await erin.post('/api/me/second-factor', { code: '123456' });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ error: { code: 'MFA_REQUIRED' } });
    const secret = await enrol(erin);
    const right = nextCode(secret);
    const wrongCode = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      expect((await erin.post('/api/me/second-factor', { code: wrongCode })).status).toBe(401);
    const blocked = await erin.post('/api/me/second-factor', { code: right });
    expect(blocked.status).toBe(429);
    world.clock.advance(5 * 60_000);
    expect((await erin.post('/api/me/second-factor', { code: nextCode(secret) })).status).toBe(200);
  });

  it('removes the TOTP only with a fresh second factor', async () => {
    const frank = await signIn(world, 'frank', owner);
    const secret = await enrol(frank);
    world.clock.advance(6 * 60_000);
    const stale = await frank.delete('/api/me/totp');
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ error: { code: 'MFA_REQUIRED' } });
    expect((await frank.post('/api/me/second-factor', { code: nextCode(secret) })).status).toBe(200);
    expect((await frank.delete('/api/me/totp')).body).toEqual({ enrolled: false });
    expect((await frank.post('/api/me/totp')).status).toBe(201);
  });

  it('needs a signed-in caller and a CSRF token', async () => {
    expect((await world.anonymous().post('/api/me/totp')).status).toBe(401);
    const grace = await signIn(world, 'grace', owner);
    grace.sendCsrf = false;
    expect((await grace.post('/api/me/totp')).status).toBe(403);
    grace.sendCsrf = true;
    const malformed = await grace.request('POST', '/api/me/second-factor', undefined, '{oops');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ error: { code: 'INVALID' } });
  });
});
