import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  ['postgres', () => pg.createDatabase(`ws_${Math.random().toString(36).slice(2, 8)}`)],
];

interface Detail {
  role: string;
  accounts: { name: string; roles: { key: string; switch_role_url?: string }[] }[];
  shortcuts: { name: string; account: string; role: string; account_id?: string }[];
}

describe.each(databases)('workspaces on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  let alice: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  beforeAll(async () => {
    world = await startTeamWorld({ dbUrl: await dbUrl(), crossbar: sandbox.crossbar() });
    alice = await setupOwner(world);
    bob = await signIn(world, 'bob', alice);
    carol = await signIn(world, 'carol', alice);
    await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'] });
    await makeWorkspace(alice, { name: 'production', accounts: ['production'], roles: ['CrossbarReadOnly'] });
  });
  afterAll(async () => world?.close());

  it('lets a server owner create a workspace, refuses a member, and checks it against the registry', async () => {
    const denied = await bob.post('/api/workspaces', { name: 'bobs', accounts: ['development'] });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const unknown = await alice.post('/api/workspaces', {
      name: 'typo',
      accounts: ['developmnt', 'stage=dev'],
      roles: ['superuser'],
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("accounts 'developmnt' matches no account");
    expect(JSON.stringify(unknown.body)).toContain("'superuser'");
    const taken = await alice.post('/api/workspaces', { name: 'platform', accounts: ['development'] });
    expect(taken.status).toBe(409);
    const list = await alice.get<{ workspaces: { name: string; role: string; member_count: number }[] }>(
      '/api/workspaces',
    );
    expect(list.body.workspaces.map((w) => [w.name, w.role, w.member_count])).toEqual([
      ['platform', 'owner', 1],
      ['production', 'owner', 1],
    ]);
  });

  it('shows a member the accounts and the roles they may use, within their limits', async () => {
    await addMember(alice, 'platform', 'carol', 'operator', [
      { accounts: 'all', roles: ['CrossbarReadOnly'] },
      { accounts: 'stage=dev', roles: ['admin'] },
    ]);
    const detail = await carol.get<Detail>('/api/workspaces/platform');
    expect(detail.status).toBe(200);
    expect(detail.body.role).toBe('operator');
    const roles = Object.fromEntries(detail.body.accounts.map((a) => [a.name, a.roles.map((r) => r.key).sort()]));
    expect(roles).toEqual({
      development: ['CrossbarReadOnly', 'admin'],
      staging: ['CrossbarReadOnly'],
      'client-acme': ['CrossbarReadOnly'],
    });
    // Each role with the console's switch-role link, as `crossbar console --switch-role` prints it (seed 004).
    const links = Object.fromEntries(
      detail.body.accounts.flatMap((a) => a.roles.map((r) => [`${a.name}:${r.key}`, r.switch_role_url])),
    );
    expect(links['development:admin']).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=administrator&account=222222222222&displayName=development%3Aadmin&color=b7ca9d',
    );
    expect(links['staging:CrossbarReadOnly']).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=CrossbarReadOnly&account=333333333333&displayName=staging&color=efda95',
    );
    const owner = await alice.get<Detail>('/api/workspaces/production');
    expect(owner.body.accounts).toEqual([
      expect.objectContaining({ name: 'production', roles: [expect.objectContaining({ key: 'CrossbarReadOnly' })] }),
    ]);
  });

  it('answers a non-member exactly as for a missing workspace', async () => {
    const foreign = await bob.get('/api/workspaces/production');
    const missing = await bob.get('/api/workspaces/nothing-here');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(foreign.body).replace('production', 'X')).toBe(
      JSON.stringify(missing.body).replace('nothing-here', 'X'),
    );
    expect((await bob.get<{ workspaces: unknown[] }>('/api/workspaces')).body.workspaces).toEqual([]);
  });

  it('refuses a viewer a change with a 403 naming the role needed, recorded in the workspace chain', async () => {
    await addMember(alice, 'platform', 'bob', 'viewer');
    const denied = await bob.post('/api/workspaces/platform/shortcuts', {
      name: '/dev',
      account: 'development',
      role: 'CrossbarReadOnly',
    });
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(JSON.stringify(denied.body)).toContain('needs the admin role; bob is viewer');
    const ws = await world.store.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', 'platform')
      .executeTakeFirstOrThrow();
    const rows = await world.store.db.selectFrom('trail').selectAll().where('chain', '=', ws.id).execute();
    expect(rows.some((r) => r.actor === 'bob' && r.outcome === 'denied' && r.action === 'shortcuts.write')).toBe(true);
  });

  it('adds shortcuts that point into the workspace and refuses ones that do not', async () => {
    const ok = await alice.post('/api/workspaces/platform/shortcuts', {
      name: '/switch-to-dev',
      account: 'development',
      role: 'admin',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      shortcut: {
        name: '/switch-to-dev',
        account: 'development',
        account_id: '222222222222',
        role: 'admin',
        region: 'us-east-1',
      },
    });
    const outside = await alice.post('/api/workspaces/platform/shortcuts', {
      name: '/switch-to-prod',
      account: 'production',
      role: 'CrossbarReadOnly',
    });
    expect(outside.status).toBe(400);
    expect(JSON.stringify(outside.body)).toContain("account 'production' is not an account of the workspace");
    const noRole = await alice.post('/api/workspaces/production/shortcuts', {
      name: '/prod-admin',
      account: 'production',
      role: 'admin',
    });
    expect(noRole.status).toBe(400);
    expect(JSON.stringify(noRole.body)).toContain("role 'admin' is not a role of the workspace in production");
    expect((await bob.get<Detail>('/api/workspaces/platform')).body.shortcuts.map((s) => s.name)).toEqual([
      '/switch-to-dev',
    ]);
    expect((await alice.delete('/api/workspaces/platform/shortcuts/switch-to-dev')).status).toBe(200);
    expect((await alice.delete('/api/workspaces/platform/shortcuts/switch-to-dev')).status).toBe(404);
  });

  it('keeps an owner: an admin cannot make or remove owners, the last owner cannot leave or be demoted', async () => {
    await addMember(alice, 'platform', 'carol', 'admin');
    const makeOwner = await carol.put('/api/workspaces/platform/members/bob', { role: 'owner' });
    expect(makeOwner.status).toBe(403);
    expect(JSON.stringify(makeOwner.body)).toContain('needs the owner role');
    const removeOwner = await carol.delete('/api/workspaces/platform/members/alice');
    expect(removeOwner.status).toBe(403);
    const demoteSelf = await alice.put('/api/workspaces/platform/members/alice', { role: 'admin' });
    expect(demoteSelf.status).toBe(409);
    expect((await alice.delete('/api/workspaces/platform/members/alice')).status).toBe(409);
    // the twin: an admin may change a viewer, and with a second owner the first may step down
    expect((await carol.put('/api/workspaces/platform/members/bob', { role: 'operator' })).status).toBe(200);
    expect((await alice.put('/api/workspaces/platform/members/carol', { role: 'owner' })).status).toBe(200);
    expect((await alice.put('/api/workspaces/platform/members/alice', { role: 'admin' })).status).toBe(200);
    expect((await carol.put('/api/workspaces/platform/members/alice', { role: 'owner' })).status).toBe(200);
  });
});
