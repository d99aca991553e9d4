import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crossbar } from '../../src/core/crossbar.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { assumeRoleEvents, DEVELOPMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  tokenClient,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import {
  assumeRoleCalls,
  awsCli,
  cloudTrailEvents,
  enrolTotp,
  nextCode,
  startVendWorld,
  type VendedBody,
} from '../helpers/vend-world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * POST /api/workspaces/:ws/credentials against a real sandbox: the member's own AssumeRole (SourceIdentity and
 * session name = the member) through the workspace's connection, the real `aws` CLI with what comes back, and
 * every refusal before any AWS call. On SQLite and a real PostgreSQL.
 */
let pg: TestPostgres;
let sandbox: World;
let crossbar: Crossbar;
beforeAll(async () => {
  [pg, sandbox] = await Promise.all([startTestPostgres(), startWorld()]);
  // One server root for both databases: alice's keys are the source, her MFA session is opened once.
  crossbar = sandbox.crossbar();
}, 60_000);
afterAll(async () => Promise.all([pg?.stop(), sandbox?.stop()]));

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`vend_${Math.random().toString(36).slice(2, 8)}`)],
];

const vendPath = (ws: string) => `/api/workspaces/${ws}/credentials`;

describe.each(databases)('vended credentials on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  let alice: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  let dave: ApiClient;
  beforeAll(async () => {
    world = await startVendWorld(sandbox, crossbar, await dbUrl());
    alice = await setupOwner(world);
    bob = await signIn(world, 'bob', alice);
    carol = await signIn(world, 'carol', alice);
    dave = await signIn(world, 'dave', alice);
    await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'] });
    await makeWorkspace(alice, { name: 'production', accounts: ['production'] });
    await addMember(alice, 'platform', 'bob', 'viewer');
    // carol may hop read-only everywhere in platform, and admin only into dev.
    await addMember(alice, 'platform', 'carol', 'operator', [
      { accounts: 'all', roles: ['CrossbarReadOnly'] },
      { accounts: 'stage=dev', roles: ['admin'] },
    ]);
    await addMember(alice, 'production', 'dave', 'operator');
  });
  afterAll(async () => world?.close());

  it("vends carol's own session: the aws CLI sees her name, and CloudTrail records SourceIdentity carol", async () => {
    const answer = await carol.post<VendedBody>(vendPath('platform'), {
      account: 'development',
      purpose: 'credentials',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ account: 'development', account_id: DEVELOPMENT, role: 'CrossbarReadOnly' });
    expect(answer.body.credentials.AccessKeyId).toMatch(/^ASIA/);
    expect(Date.parse(answer.body.expires_at)).toBeGreaterThan(Date.now() + 50 * 60_000);
    const identity = await awsCli(sandbox.sb, answer.body, ['sts', 'get-caller-identity']);
    expect(identity['Arn']).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/carol`);
    const events = await cloudTrailEvents(sandbox.sb, answer.body, 'AssumeRole');
    const hers = events.filter(
      (e) =>
        (e['responseElements'] as { credentials?: { accessKeyId?: string } } | null)?.credentials?.accessKeyId ===
        answer.body.credentials.AccessKeyId,
    );
    expect(hers).toHaveLength(1);
    expect(hers[0]).toMatchObject({ requestParameters: { roleSessionName: 'carol', sourceIdentity: 'carol' } });
  });

  it('serves a member their cached session, and another member their own', async () => {
    const before = assumeRoleEvents(sandbox.sb, DEVELOPMENT).length;
    const first = await carol.post<VendedBody>(vendPath('platform'), { account: 'development' });
    const again = await carol.post<VendedBody>(vendPath('platform'), { account: '222222222222' });
    expect(again.body.credentials.AccessKeyId).toBe(first.body.credentials.AccessKeyId);
    expect(assumeRoleEvents(sandbox.sb, DEVELOPMENT).length).toBe(before);
    await addMember(alice, 'platform', 'dave', 'operator');
    const daves = await dave.post<VendedBody>(vendPath('platform'), { account: 'development' });
    expect(daves.status).toBe(200);
    expect(daves.body.credentials.AccessKeyId).not.toBe(first.body.credentials.AccessKeyId);
    expect(assumeRoleEvents(sandbox.sb, DEVELOPMENT).length).toBe(before + 1);
    expect(assumeRoleEvents(sandbox.sb, DEVELOPMENT).at(-1)).toMatchObject({
      requestParameters: { sourceIdentity: 'dave', roleSessionName: 'dave' },
    });
  });

  it('refuses a viewer (403) and a non-member (404) before any AWS call, and records both', async () => {
    const calls = assumeRoleCalls(sandbox.sb);
    const viewer = await bob.post(vendPath('platform'), { account: 'development' });
    expect(viewer.status).toBe(403);
    expect(viewer.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const outsider = await bob.post(vendPath('production'), { account: 'production' });
    expect(outsider.status).toBe(404);
    expect(assumeRoleCalls(sandbox.sb)).toBe(calls);
    const denied = await world.store.db
      .selectFrom('trail')
      .select(['action', 'outcome', 'chain'])
      .where('actor', '=', 'bob')
      .where('action', '=', 'credentials.vend')
      .execute();
    expect(denied.map((r) => r.outcome)).toEqual(['denied', 'denied']);
  });

  it('keeps carol within her limits: admin only in dev, an account outside the workspace is unknown', async () => {
    const calls = assumeRoleCalls(sandbox.sb);
    const staging = await carol.post(vendPath('platform'), { account: 'staging', role: 'admin', totp_code: '000000' });
    expect(staging.status).toBe(403);
    expect(staging.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(JSON.stringify(staging.body)).toContain('may not use the role admin in staging');
    const outside = await carol.post(vendPath('platform'), { account: 'production' });
    expect(outside.status).toBe(404);
    expect(outside.body).toMatchObject({ error: { code: 'UNKNOWN_ACCOUNT' } });
    expect(assumeRoleCalls(sandbox.sb)).toBe(calls);
    // the twin: read-only in staging is within her limits
    expect((await carol.post(vendPath('platform'), { account: 'staging' })).status).toBe(200);
  });

  it('asks an admin role for a fresh second factor: refused without, allowed with a code, stale after 5 minutes', async () => {
    const calls = assumeRoleCalls(sandbox.sb);
    const unenrolled = await carol.post(vendPath('platform'), { account: 'development', role: 'admin' });
    expect(unenrolled.status).toBe(401);
    expect(unenrolled.body).toMatchObject({
      error: { code: 'MFA_REQUIRED', hint: expect.stringContaining('/api/me/totp') },
    });
    const secret = await enrolTotp(world, carol);
    world.clock.advance(6 * 60_000);
    const stale = await carol.post(vendPath('platform'), { account: 'development', role: 'admin' });
    expect(stale.status).toBe(401);
    expect(stale.body).toMatchObject({ error: { code: 'MFA_REQUIRED' } });
    const wrong = await carol.post(vendPath('platform'), {
      account: 'development',
      role: 'admin',
      totp_code: '12345x',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'MFA_INVALID' } });
    expect(assumeRoleCalls(sandbox.sb)).toBe(calls);
    const code = nextCode(world, secret);
    const allowed = await carol.post<VendedBody>(vendPath('platform'), {
      account: 'development',
      role: 'admin',
      totp_code: code,
    });
    expect(allowed.status).toBe(200);
    const identity = await awsCli(sandbox.sb, allowed.body, ['sts', 'get-caller-identity']);
    expect(identity['Arn']).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/administrator/carol`);
    // What she does with it is hers in CloudTrail: an IAM write carries her SourceIdentity.
    await awsCli(sandbox.sb, allowed.body, ['iam', 'create-user', '--user-name', `made-by-carol-${_kind}`]);
    const created = (await cloudTrailEvents(sandbox.sb, allowed.body, 'CreateUser')).find(
      (e) => (e['requestParameters'] as { userName?: string })['userName'] === `made-by-carol-${_kind}`,
    );
    expect(created).toMatchObject({ userIdentity: { sessionContext: { sourceIdentity: 'carol' } } });
    // the code is spent; the session is fresh for 5 minutes without one; then stale again
    const replay = await carol.post(vendPath('platform'), {
      account: 'staging',
      role: 'CrossbarReadOnly',
      totp_code: code,
    });
    expect(replay.status).toBe(200); // a role that needs no second factor ignores the code
    expect((await carol.post(vendPath('platform'), { account: 'development', role: 'admin' })).status).toBe(200);
    world.clock.advance(5 * 60_000);
    expect((await carol.post(vendPath('platform'), { account: 'development', role: 'admin' })).status).toBe(401);
    const cli = await tokenClient(world, carol, 'laptop');
    expect((await cli.post(vendPath('platform'), { account: 'development', role: 'admin' })).status).toBe(401);
    expect((await cli.post('/api/me/second-factor', { code: nextCode(world, secret) })).status).toBe(200);
    expect((await cli.post(vendPath('platform'), { account: 'development', role: 'admin' })).status).toBe(200);
  });

  it('asks a production admin role for confirm: refused without, even with a fresh factor; allowed with both', async () => {
    const calls = assumeRoleCalls(sandbox.sb);
    const neither = await dave.post(vendPath('production'), { account: 'production', role: 'admin' });
    expect(neither.status).toBe(403);
    expect(neither.body).toMatchObject({ error: { code: 'CONFIRM_REQUIRED' } });
    expect(JSON.stringify(neither.body)).toContain('confirm: true and a fresh second factor');
    const secret = await enrolTotp(world, dave);
    const unconfirmed = await dave.post(vendPath('production'), { account: 'production', role: 'admin' });
    expect(unconfirmed.status).toBe(403);
    expect(unconfirmed.body).toMatchObject({ error: { code: 'CONFIRM_REQUIRED' } });
    expect(assumeRoleCalls(sandbox.sb)).toBe(calls);
    world.clock.advance(6 * 60_000);
    const confirmed = await dave.post<VendedBody>(vendPath('production'), {
      account: 'production',
      role: 'admin',
      confirm: true,
      totp_code: nextCode(world, secret),
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.account_id).toBe(PRODUCTION);
    expect((await awsCli(sandbox.sb, confirmed.body, ['sts', 'get-caller-identity']))['Arn']).toBe(
      `arn:aws:sts::${PRODUCTION}:assumed-role/administrator/dave`,
    );
    // production's read-only role is not guarded
    expect((await dave.post(vendPath('production'), { account: 'production' })).status).toBe(200);
  });

  it('vends a console sign-in URL through the federation endpoint', async () => {
    const answer = await carol.post<{ url: string; expires_at: string }>(vendPath('platform'), {
      account: 'development',
      purpose: 'console',
    });
    expect(answer.status).toBe(200);
    const url = new URL(answer.body.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${sandbox.sb.endpoint}/federation`);
    expect(url.searchParams.get('Action')).toBe('login');
    expect(url.searchParams.get('SigninToken')).toBeTruthy();
  });

  it('refuses bad input with a clear 400, never a stack', async () => {
    for (const body of [{}, { account: 'development', purpose: 'shell' }, { account: 'x', extra: 1 }])
      expect((await carol.post(vendPath('platform'), body)).status).toBe(400);
    const malformed = await carol.request('POST', vendPath('platform'), undefined, '{"account":');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js/);
    expect((await world.anonymous().post(vendPath('platform'), { account: 'development' })).status).toBe(401);
  });
});
