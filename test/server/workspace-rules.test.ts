import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspaceAccounts, memberMayUse, workspaceFor } from '../../src/server/workspace-access.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  startTeamWorld,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';

let pg: TestPostgres;
let sandbox: World;
beforeAll(async () => {
  [pg, sandbox] = await Promise.all([startTestPostgres(), startWorld()]);
}, 60_000);
afterAll(async () => Promise.all([pg?.stop(), sandbox?.stop()]));

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`rules_${Math.random().toString(36).slice(2, 8)}`)],
];

const EXTERNAL_ID = 'ext-id-that-must-not-show-9f8e7d';

describe.each(databases)('workspace rules on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  let alice: ApiClient;
  let carol: ApiClient;
  beforeAll(async () => {
    world = await startTeamWorld({ dbUrl: await dbUrl(), crossbar: sandbox.crossbar() });
    // What vending does with the helpers: may carol use ACCOUNT:ROLE in WS?
    world.app.get('/api/test/may/:ws/:account/:role', async (c) => {
      const access = await workspaceFor(c, c.req.param('ws'), 'credentials.vend');
      const account = workspaceAccounts(c, access).find((a) => a.name === c.req.param('account'));
      const role = account ? memberMayUse(c, access, account, c.req.param('role')) : undefined;
      return c.json({ account: account?.name ?? null, role: role?.key ?? null });
    });
    alice = await setupOwner(world);
    carol = await signIn(world, 'carol', alice);
    await signIn(world, 'bob', alice);
    await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'], roles: ['CrossbarReadOnly', 'admin'] });
  });
  afterAll(async () => world?.close());

  it('memberMayUse: workspace roles ∩ account roles ∩ limits, and nothing outside the workspace', async () => {
    await addMember(alice, 'platform', 'carol', 'operator', [
      { accounts: 'all', roles: ['CrossbarReadOnly'] },
      { accounts: 'stage=dev', roles: ['admin'] },
    ]);
    const may = async (account: string, role: string) =>
      (await carol.get(`/api/test/may/platform/${account}/${role}`)).body;
    expect(await may('development', 'admin')).toEqual({ account: 'development', role: 'admin' });
    expect(await may('development', 'administrator')).toEqual({ account: 'development', role: 'admin' });
    expect(await may('staging', 'CrossbarReadOnly')).toEqual({ account: 'staging', role: 'CrossbarReadOnly' });
    expect(await may('staging', 'admin')).toEqual({ account: 'staging', role: null });
    expect(await may('staging', 'nosuchrole')).toEqual({ account: 'staging', role: null });
    expect(await may('production', 'CrossbarReadOnly')).toEqual({ account: null, role: null });
    await addMember(alice, 'platform', 'bob', 'viewer');
    const bob = await signIn(world, 'bob');
    expect((await bob.get('/api/test/may/platform/development/admin')).status).toBe(403);
  });

  it('changes a workspace, and refuses a change that would break a shortcut, an empty one, or a new name', async () => {
    expect(
      (
        await alice.post('/api/workspaces/platform/shortcuts', {
          name: '/switch-to-dev',
          account: 'development',
          role: 'admin',
        })
      ).status,
    ).toBe(201);
    const narrower = await alice.request('PATCH', '/api/workspaces/platform', { roles: ['CrossbarReadOnly'] });
    expect(narrower.status).toBe(400);
    expect(JSON.stringify(narrower.body)).toContain(
      "/switch-to-dev: role 'admin' is not a role of the workspace in development",
    );
    const empty = await alice.request('PATCH', '/api/workspaces/platform', {});
    expect([empty.status, JSON.stringify(empty.body)]).toEqual([400, expect.stringContaining('nothing to change')]);
    expect((await alice.request('PATCH', '/api/workspaces/platform', { name: 'renamed' })).status).toBe(400);
    const ok = await alice.request('PATCH', '/api/workspaces/platform', { description: 'dev and staging' });
    expect(ok.status).toBe(200);
    expect((await carol.get('/api/workspaces/platform')).body).toMatchObject({
      workspace: { description: 'dev and staging', roles: ['CrossbarReadOnly', 'admin'] },
    });
  });

  it('shows and trails a role connection without its ExternalId', async () => {
    const connection = {
      kind: 'role',
      role_arn: 'arn:aws:iam::444444444444:role/CrossbarServer',
      external_id: EXTERNAL_ID,
    };
    await makeWorkspace(alice, { name: 'production', accounts: ['production'], connection });
    const shown = await alice.get('/api/workspaces/production');
    expect(shown.body).toMatchObject({
      workspace: { connection: { kind: 'role', role_arn: connection.role_arn, external_id_set: true } },
    });
    await alice.request('PATCH', '/api/workspaces/production', {
      connection: { ...connection, external_id: `${EXTERNAL_ID}-2` },
    });
    const dump = JSON.stringify([
      shown.body,
      (await alice.get('/api/workspaces')).body,
      await world.store.db.selectFrom('trail').selectAll().execute(),
    ]);
    expect(dump).not.toContain(EXTERNAL_ID);
  });

  it('deletes a workspace: its members lose it, its chain stays, a new one of the same name starts a new chain', async () => {
    await makeWorkspace(alice, { name: 'short-lived', accounts: ['development'] });
    await addMember(alice, 'short-lived', 'carol', 'admin');
    const old = await world.store.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', 'short-lived')
      .executeTakeFirstOrThrow();
    expect((await carol.delete('/api/workspaces/short-lived')).status).toBe(403);
    expect((await alice.delete('/api/workspaces/short-lived')).status).toBe(200);
    expect((await carol.get('/api/workspaces/short-lived')).status).toBe(404);
    const chain = await world.store.db
      .selectFrom('trail')
      .select('action')
      .where('chain', '=', old.id)
      .orderBy('seq')
      .execute();
    expect(chain.map((e) => e.action)).toEqual([
      'workspace.created',
      'member.added',
      'workspace.write',
      'workspace.deleted',
    ]);
    const server = await world.store.db
      .selectFrom('trail')
      .select(['action', 'details_json'])
      .where('chain', '=', 'server')
      .where('action', '=', 'workspace.deleted')
      .execute();
    expect(server.map((e) => JSON.parse(e.details_json) as unknown)).toEqual([{ workspace_id: old.id }]);
    await makeWorkspace(alice, { name: 'short-lived', accounts: ['development'] });
    const fresh = await world.store.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', 'short-lived')
      .executeTakeFirstOrThrow();
    expect(fresh.id).not.toBe(old.id);
    expect((await carol.get('/api/workspaces/short-lived')).status).toBe(404);
  });

  it('lets two owners demoting each other at once leave exactly one owner', async () => {
    await makeWorkspace(alice, { name: 'duel', accounts: ['development'] });
    await addMember(alice, 'duel', 'carol', 'owner');
    const answers = await Promise.all([
      alice.put('/api/workspaces/duel/members/carol', { role: 'admin' }),
      carol.put('/api/workspaces/duel/members/alice', { role: 'admin' }),
    ]);
    // The loser is refused: 409 (the last owner) if it got past the role check first, else 403 (no longer an owner).
    const [won, lost] = [...answers].sort((a, b) => a.status - b.status);
    expect(won?.status).toBe(200);
    expect([403, 409]).toContain(lost?.status);
    const members = await alice.get<{ members: { role: string }[] }>('/api/workspaces/duel/members');
    const viaCarol = await carol.get<{ members: { role: string }[] }>('/api/workspaces/duel/members');
    const roles = (members.status === 200 ? members : viaCarol).body.members.map((m) => m.role).sort();
    expect(roles).toEqual(['admin', 'owner']);
  });
});

describe('a server without a crossbar.yaml', () => {
  it('signs people in, and answers the workspace routes that need the registry with 503 saying why', async () => {
    const world = await startTeamWorld();
    const alice = await setupOwner(world);
    const made = await alice.post('/api/workspaces', { name: 'platform', accounts: ['development'] });
    expect(made.status).toBe(503);
    expect(made.body).toMatchObject({ error: { code: 'CONFIG_NOT_FOUND', hint: expect.stringContaining('--config') } });
    expect((await alice.get('/api/workspaces')).status).toBe(200);
    await world.close();
  });
});
