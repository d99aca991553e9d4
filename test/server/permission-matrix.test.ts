import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leastRoleFor, roleMay, WORKSPACE_ROLES, type WorkspaceRole } from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  startTeamWorld,
  tokenClient,
  type ApiAnswer,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';
import { SERVER_ROUTES, WORKSPACE_ROUTES, type MatrixRoute } from './permission-matrix-routes.js';

let pg: TestPostgres;
let sandbox: World;
beforeAll(async () => {
  [pg, sandbox] = await Promise.all([startTestPostgres(), startWorld()]);
}, 60_000);
afterAll(async () => Promise.all([pg?.stop(), sandbox?.stop()]));

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`matrix_${Math.random().toString(36).slice(2, 8)}`)],
];

/** The member who holds `role` in every workspace of the matrix. */
const userOf = (role: WorkspaceRole): string => `m-${role}`;

interface Fixture {
  world: TeamWorld;
  alice: ApiClient;
  as: Record<WorkspaceRole, ApiClient>;
  n: number;
}

/** A fresh workspace made by alice, with `role`'s member in it; returns its name and id. */
async function freshWorkspace(fx: Fixture, role?: WorkspaceRole): Promise<{ name: string; id: string }> {
  const name = `w${(fx.n += 1)}`;
  await makeWorkspace(fx.alice, { name, accounts: ['stage!=prod'] });
  if (role) await addMember(fx.alice, name, userOf(role), role);
  const row = await fx.world.store.db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return { name, id: row.id };
}

function call(client: ApiClient, route: MatrixRoute, ws: string): Promise<ApiAnswer> {
  const body = route.body?.(ws);
  return client.request(route.method, route.path(ws), body);
}

async function trailOf(fx: Fixture, chain: string, actor: string) {
  return fx.world.store.db
    .selectFrom('trail')
    .select(['action', 'outcome', 'details_json'])
    .where('chain', '=', chain)
    .where('actor', '=', actor)
    .execute();
}

/** What the world holds, to prove a refused or foreign call changed nothing. */
async function snapshot(fx: Fixture): Promise<string> {
  const db = fx.world.store.db;
  return JSON.stringify([
    await db.selectFrom('workspaces').selectAll().orderBy('id').execute(),
    await db.selectFrom('members').selectAll().orderBy('workspace_id').orderBy('user_id').execute(),
    await db.selectFrom('shortcuts').selectAll().orderBy('workspace_id').orderBy('name').execute(),
    await db.selectFrom('runs').select(['id', 'workspace_id']).orderBy('id').execute(),
  ]);
}

const BODY_ROUTES = WORKSPACE_ROUTES.filter((r) => r.body);
const CHANGING = (method: string): boolean => method !== 'GET';

describe.each(databases)('the permission matrix on %s', (_kind, dbUrl) => {
  const fx = {} as Fixture;
  beforeAll(async () => {
    fx.world = await startTeamWorld({ dbUrl: await dbUrl(), crossbar: sandbox.crossbar() });
    fx.alice = await setupOwner(fx.world);
    fx.n = 0;
    const clients = await Promise.all(WORKSPACE_ROLES.map((role) => signIn(fx.world, userOf(role), fx.alice)));
    fx.as = Object.fromEntries(WORKSPACE_ROLES.map((role, i) => [role, clients[i]])) as Fixture['as'];
    await signIn(fx.world, 'dave', fx.alice);
  }, 60_000);
  afterAll(async () => fx.world?.close());

  const cells = WORKSPACE_ROUTES.flatMap((route) => WORKSPACE_ROLES.map((role) => [route.name, role, route] as const));

  it.each(cells)('%s as %s of their own workspace', async (_name, role, route) => {
    const ws = await freshWorkspace(fx, role);
    await route.prepare?.({ world: fx.world, owner: fx.alice, ws: ws.name });
    const before = await snapshot(fx);
    const answer = await call(fx.as[role], route, ws.name);
    const trail = await trailOf(fx, ws.id, userOf(role));
    const refused = [route.action, ...(route.then ? [route.then] : [])].find((action) => !roleMay(role, action));
    if (!refused) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(route.ok);
      // one entry for the change (a run's end is its own entry, written when the run ends)
      if (CHANGING(route.method))
        expect(trail.filter((t) => t.outcome === 'ok' && t.action !== 'runs.end').length).toBe(1);
    } else {
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      expect(JSON.stringify(answer.body)).toContain(`${refused} in ${ws.name} needs the ${leastRoleFor(refused)} role`);
      expect(await snapshot(fx)).toBe(before);
      expect(trail).toEqual([
        {
          action: refused,
          outcome: 'denied',
          details_json: expect.stringContaining(`"needs":"${leastRoleFor(refused)}"`),
        },
      ]);
    }
  });

  it.each(cells)('%s as %s of another workspace: 404 as if it did not exist', async (_name, role, route) => {
    await freshWorkspace(fx, role); // their own
    const foreign = await freshWorkspace(fx);
    await route.prepare?.({ world: fx.world, owner: fx.alice, ws: foreign.name });
    const before = await snapshot(fx);
    const answer = await call(fx.as[role], route, foreign.name);
    const missing = await call(fx.as[role], route, 'no-such-workspace');
    expect(answer.status).toBe(404);
    expect(JSON.stringify(answer.body).replaceAll(foreign.name, 'WS')).toBe(
      JSON.stringify(missing.body).replaceAll('no-such-workspace', 'WS'),
    );
    expect(await snapshot(fx)).toBe(before);
    expect(await trailOf(fx, foreign.id, userOf(role))).toEqual([]);
  });
});

/** Every route, for the attack tests: the workspace routes on a workspace `ws`, and the server's own. */
function everyRoute(
  ws: string,
): { name: string; method: MatrixRoute['method']; path: string; body?: unknown; server?: boolean }[] {
  return [
    ...WORKSPACE_ROUTES.map((r) => ({ name: r.name, method: r.method, path: r.path(ws), body: r.body?.(ws) })),
    ...SERVER_ROUTES.map((r) => ({ name: r.name, method: r.method, path: r.path, body: r.body?.(), server: true })),
  ];
}

const SQL_NAMES = ["x' OR '1'='1", "'; DROP TABLE workspaces; --", 'w1" OR ""="', 'w1; DELETE FROM members'];

describe.each(databases)('every route refuses bad callers and bad input on %s', (_kind, dbUrl) => {
  const fx = {} as Fixture;
  let owner: ApiClient;
  beforeAll(async () => {
    fx.world = await startTeamWorld({ dbUrl: await dbUrl(), crossbar: sandbox.crossbar() });
    fx.alice = await setupOwner(fx.world);
    fx.n = 0;
    owner = await signIn(fx.world, userOf('owner'), fx.alice);
    fx.as = { owner } as Fixture['as'];
    await signIn(fx.world, 'dave', fx.alice);
  }, 60_000);
  afterAll(async () => fx.world?.close());

  it('answers no session with 401 on every route, and changes nothing', async () => {
    const ws = await freshWorkspace(fx, 'owner');
    const before = await snapshot(fx);
    for (const route of everyRoute(ws.name)) {
      const answer = await fx.world.anonymous().request(route.method, route.path, route.body);
      expect([route.name, answer.status, answer.body]).toMatchObject([
        route.name,
        401,
        { error: { code: 'UNAUTHENTICATED' } },
      ]);
    }
    expect(await snapshot(fx)).toBe(before);
  });

  it('refuses a state change without the CSRF token or with a wrong one; reads need none', async () => {
    for (const route of WORKSPACE_ROUTES) {
      const ws = await freshWorkspace(fx, 'owner');
      await route.prepare?.({ world: fx.world, owner: fx.alice, ws: ws.name });
      const before = await snapshot(fx);
      const forged = owner.clone();
      forged.sendCsrf = false;
      const wrong = owner.clone();
      wrong.csrf = 'not-the-csrf-token';
      const [missing, mistaken] = [await call(forged, route, ws.name), await call(wrong, route, ws.name)];
      if (CHANGING(route.method)) {
        expect([route.name, missing.status, missing.body]).toMatchObject([
          route.name,
          403,
          { error: { code: 'CSRF' } },
        ]);
        expect([route.name, mistaken.status]).toEqual([route.name, 403]);
        expect(await snapshot(fx)).toBe(before);
      } else {
        expect([route.name, missing.status, mistaken.status]).toEqual([route.name, route.ok, route.ok]);
      }
    }
  });

  it('takes an API token without a CSRF token on every route, and refuses it once revoked', async () => {
    const cli = await tokenClient(fx.world, owner, 'matrix');
    for (const route of WORKSPACE_ROUTES) {
      const ws = await freshWorkspace(fx, 'owner');
      await route.prepare?.({ world: fx.world, owner: fx.alice, ws: ws.name });
      const answer = await call(cli, route, ws.name);
      expect([route.name, answer.status]).toEqual([route.name, route.ok]);
    }
    const tokens = await owner.get<{ tokens: { id: string; name: string }[] }>('/api/tokens');
    const id = tokens.body.tokens.find((t) => t.name === 'matrix')?.id ?? '';
    expect((await owner.delete(`/api/tokens/${id}`)).status).toBe(200);
    const ws = await freshWorkspace(fx, 'owner');
    const before = await snapshot(fx);
    for (const route of everyRoute(ws.name)) {
      const replay = await cli.request(route.method, route.path, route.body);
      expect([route.name, replay.status]).toEqual([route.name, 401]);
    }
    expect(await snapshot(fx)).toBe(before);
  });

  it('answers malformed JSON, unknown fields and an oversized body with 400/413 and no stack', async () => {
    const ws = await freshWorkspace(fx, 'owner');
    const before = await snapshot(fx);
    const bodyRoutes = everyRoute(ws.name).filter((r) => r.body !== undefined);
    expect(bodyRoutes.length).toBeGreaterThanOrEqual(BODY_ROUTES.length + 1);
    for (const route of bodyRoutes) {
      // a workspace owner for workspace routes, the server owner for creating workspaces
      const caller = route.server ? fx.alice : owner;
      const malformed = await caller.request(route.method, route.path, undefined, '{"role": ');
      expect([route.name, malformed.status, malformed.body]).toMatchObject([
        route.name,
        400,
        { error: { code: 'INVALID', message: 'the request body is not valid JSON' } },
      ]);
      const unknown = await caller.request(route.method, route.path, { ...(route.body as object), bogus: 1 });
      expect([route.name, unknown.status]).toEqual([route.name, 400]);
      expect(JSON.stringify(unknown.body)).toContain('bogus');
      const huge = await caller.request(
        route.method,
        route.path,
        undefined,
        JSON.stringify({ description: 'x'.repeat(70_000) }),
      );
      expect([route.name, huge.status, huge.body]).toMatchObject([
        route.name,
        413,
        { error: { code: 'PAYLOAD_TOO_LARGE' } },
      ]);
      expect(JSON.stringify([malformed.body, unknown.body, huge.body])).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    }
    expect(await snapshot(fx)).toBe(before);
  });

  it('lets only a server owner create a workspace; any user lists their own', async () => {
    const body = { name: 'only-owners', accounts: ['development'] };
    const denied = await owner.post('/api/workspaces', body);
    expect([denied.status, denied.body]).toMatchObject([403, { error: { code: 'FORBIDDEN' } }]);
    expect((await owner.get('/api/workspaces')).status).toBe(200);
    expect((await fx.alice.post('/api/workspaces', body)).status).toBe(201);
    const trail = await fx.world.store.db
      .selectFrom('trail')
      .select(['actor', 'outcome'])
      .where('chain', '=', 'server')
      .where('action', '=', 'workspace.created')
      .execute();
    expect(trail).toEqual(expect.arrayContaining([{ actor: userOf('owner'), outcome: 'denied' }]));
  });

  it('treats SQL-looking names as names: 404 or 400, and nothing happens', async () => {
    await freshWorkspace(fx, 'owner');
    const before = await snapshot(fx);
    const users = await fx.world.store.db.selectFrom('users').select('id').execute();
    for (const name of SQL_NAMES) {
      for (const route of everyRoute(encodeURIComponent(name)).filter((r) =>
        r.path.includes(encodeURIComponent(name)),
      )) {
        const answer = await owner.request(route.method, route.path, route.body);
        expect([route.name, name, answer.status]).toEqual([route.name, name, 404]);
      }
      const ws = `w${fx.n}`;
      const member = await owner.put(`/api/workspaces/${ws}/members/${encodeURIComponent(name)}`, { role: 'viewer' });
      expect([name, member.status, member.body]).toMatchObject([name, 404, { error: { code: 'UNKNOWN_USER' } }]);
      expect((await owner.delete(`/api/workspaces/${ws}/members/${encodeURIComponent(name)}`)).status).toBe(404);
      expect((await owner.delete(`/api/workspaces/${ws}/shortcuts/${encodeURIComponent(name)}`)).status).toBe(404);
      const made = await fx.alice.post('/api/workspaces', { name, accounts: ['development'] });
      expect([name, made.status]).toEqual([name, 400]);
      const limits = await owner.put(`/api/workspaces/${ws}/members/dave`, {
        role: 'viewer',
        limits: [{ accounts: name, roles: ['*'] }],
      });
      expect([name, limits.status]).toEqual([name, 400]);
    }
    expect(await snapshot(fx)).toBe(before);
    expect((await fx.world.store.db.selectFrom('users').select('id').execute()).length).toBe(users.length);
  });

  // Last: moving the clock ends every session of this world.
  it('answers an expired session with 401 on every route', async () => {
    const ws = await freshWorkspace(fx, 'owner');
    const late = await signIn(fx.world, userOf('owner'));
    expect((await late.get(`/api/workspaces/${ws.name}`)).status).toBe(200);
    fx.world.clock.advance(13 * 3600_000);
    const before = await snapshot(fx);
    for (const route of everyRoute(ws.name)) {
      const answer = await late.request(route.method, route.path, route.body);
      expect([route.name, answer.status, answer.body]).toMatchObject([
        route.name,
        401,
        { error: { code: 'UNAUTHENTICATED' } },
      ]);
    }
    expect(await snapshot(fx)).toBe(before);
  });
});
