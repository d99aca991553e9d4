import { endRun, insertRun, RunRequestSchema, type WorkspaceAction } from '../../src/core/team/index.js';
import type { ApiClient, TeamWorld } from '../helpers/team-server.js';

/**
 * Every workspace route of the API, for the permission matrix (permission-matrix.test.ts): each runs for every
 * workspace role, in the caller's own workspace and in a foreign one, on SQLite and PostgreSQL. The status
 * expected follows from `roleMay(role, action)` (and `then`): `ok` when the role may, 403 FORBIDDEN naming the role
 * the first failing check needs when it may not, 404 in a foreign workspace. Each call gets a fresh workspace (accounts `stage!=prod`: development,
 * staging, client-acme; every role) with the caller as a member, created by alice (a server owner and owner of
 * it), so a route may change or delete what it likes. Add a route here when you add one to the API.
 */
export interface MatrixRoute {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: (ws: string) => string;
  /** What the route needs (src/core/team/permissions.ts), checked when it finds the workspace. */
  action: WorkspaceAction;
  /** What this request needs on top, checked after (making or changing an owner needs `owners.write`). */
  then?: WorkspaceAction;
  /** The JSON body of a request that succeeds when allowed. Routes with a body also get malformed/oversized ones. */
  body?: (ws: string) => unknown;
  /** The status when the role may. */
  ok: number;
  /** Run before the call, as alice (the workspace's owner): the member or shortcut the call changes. */
  prepare?: (ctx: MatrixContext) => Promise<void>;
}

export interface MatrixContext {
  world: TeamWorld;
  /** alice: server owner and owner of the workspace. */
  owner: ApiClient;
  ws: string;
}

async function must(answer: Promise<{ status: number; body: unknown }>, what: string): Promise<void> {
  const { status, body } = await answer;
  if (status >= 300) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
}

/** A finished run `run-WS` of the workspace, recorded as a run through the server records it. */
async function finishedRun({ world, ws }: MatrixContext): Promise<void> {
  const { store } = world;
  const workspace = await store.db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', ws)
    .executeTakeFirstOrThrow();
  const at = new Date(world.clock.now).toISOString();
  await insertRun(store, {
    id: `run-${ws}`,
    workspaceId: workspace.id,
    userId: 'matrix',
    request: RunRequestSchema.parse({ kind: 'run', selector: 'all', service: 'sts', operation: 'GetCallerIdentity' }),
    startedAt: at,
    runner: 'matrix',
    targetCount: 0,
  });
  await endRun(store, `run-${ws}`, { status: 'finished', finishedAt: at, summary: '0 ok, 0 failed' });
}

const addDave =
  (role: string) =>
  ({ owner, ws }: MatrixContext): Promise<void> =>
    must(owner.put(`/api/workspaces/${ws}/members/dave`, { role }), `dave as ${role}`);

export const WORKSPACE_ROUTES: MatrixRoute[] = [
  // workspaces (src/server/routes/workspace-routes.ts)
  { name: 'GET workspace', method: 'GET', path: (ws) => `/api/workspaces/${ws}`, action: 'workspace.read', ok: 200 },
  {
    name: 'PATCH workspace',
    method: 'PATCH',
    path: (ws) => `/api/workspaces/${ws}`,
    action: 'workspace.write',
    body: () => ({ description: 'changed', roles: ['CrossbarReadOnly', 'admin'] }),
    ok: 200,
  },
  {
    name: 'DELETE workspace',
    method: 'DELETE',
    path: (ws) => `/api/workspaces/${ws}`,
    action: 'workspace.write',
    ok: 200,
  },
  // members (src/server/routes/member-routes.ts)
  {
    name: 'GET members',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/members`,
    action: 'members.read',
    ok: 200,
  },
  {
    name: 'PUT member (add an operator)',
    method: 'PUT',
    path: (ws) => `/api/workspaces/${ws}/members/dave`,
    action: 'members.write',
    body: () => ({ role: 'operator', limits: [{ accounts: 'stage=dev', roles: ['admin'] }] }),
    ok: 201,
  },
  {
    name: 'PUT member (change a viewer)',
    method: 'PUT',
    path: (ws) => `/api/workspaces/${ws}/members/dave`,
    action: 'members.write',
    body: () => ({ role: 'admin' }),
    ok: 200,
    prepare: addDave('viewer'),
  },
  {
    name: 'PUT member (make an owner)',
    method: 'PUT',
    path: (ws) => `/api/workspaces/${ws}/members/dave`,
    action: 'members.write',
    then: 'owners.write',
    body: () => ({ role: 'owner' }),
    ok: 201,
  },
  {
    name: 'PUT member (demote an owner)',
    method: 'PUT',
    path: (ws) => `/api/workspaces/${ws}/members/dave`,
    action: 'members.write',
    then: 'owners.write',
    body: () => ({ role: 'viewer' }),
    ok: 200,
    prepare: addDave('owner'),
  },
  {
    name: 'DELETE member (a viewer)',
    method: 'DELETE',
    path: (ws) => `/api/workspaces/${ws}/members/dave`,
    action: 'members.write',
    ok: 200,
    prepare: addDave('viewer'),
  },
  {
    name: 'DELETE member (an owner)',
    method: 'DELETE',
    path: (ws) => `/api/workspaces/${ws}/members/dave`,
    action: 'members.write',
    then: 'owners.write',
    ok: 200,
    prepare: addDave('owner'),
  },
  // shortcuts (src/server/routes/shortcut-routes.ts)
  {
    name: 'GET shortcuts',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/shortcuts`,
    action: 'shortcuts.read',
    ok: 200,
  },
  {
    name: 'POST shortcut',
    method: 'POST',
    path: (ws) => `/api/workspaces/${ws}/shortcuts`,
    action: 'shortcuts.write',
    body: () => ({ name: '/switch-to-dev', account: 'development', role: 'admin', region: 'eu-west-1' }),
    ok: 201,
  },
  {
    name: 'DELETE shortcut',
    method: 'DELETE',
    path: (ws) => `/api/workspaces/${ws}/shortcuts/switch-to-dev`,
    action: 'shortcuts.write',
    ok: 200,
    prepare: ({ owner, ws }) =>
      must(
        owner.post(`/api/workspaces/${ws}/shortcuts`, {
          name: '/switch-to-dev',
          account: 'development',
          role: 'CrossbarReadOnly',
        }),
        'shortcut',
      ),
  },
  // trail (src/server/routes/trail-routes.ts): a workspace's chain is for its admins and owners
  ...(['', '/verify', '/export', '/head'] as const).map((sub): MatrixRoute => ({
    name: `GET trail${sub}`,
    method: 'GET',
    path: (ws) => `/api/trail${sub}?workspace=${ws}`,
    action: 'trail.read',
    ok: 200,
  })),
  // cost and findings (src/server/routes/cost-routes.ts, findings-routes.ts): every member reads them
  {
    name: 'GET cost',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/cost?by=service&months=2`,
    action: 'cost.read',
    ok: 200,
  },
  {
    name: 'GET findings',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/findings`,
    action: 'findings.read',
    ok: 200,
  },
  {
    name: 'GET who-can',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/who-can?account=development&role=admin`,
    action: 'findings.read',
    ok: 200,
  },
  // credentials (src/server/routes/credential-routes.ts): the member's own session, through the sandbox
  {
    name: 'POST credentials',
    method: 'POST',
    path: (ws) => `/api/workspaces/${ws}/credentials`,
    action: 'credentials.vend',
    body: () => ({ account: 'development', role: 'CrossbarReadOnly', purpose: 'credentials' }),
    ok: 200,
  },
  // runs (src/server/routes/run-routes.ts): a viewer reads them, an operator starts one
  { name: 'GET runs', method: 'GET', path: (ws) => `/api/workspaces/${ws}/runs`, action: 'runs.read', ok: 200 },
  {
    name: 'POST run',
    method: 'POST',
    path: (ws) => `/api/workspaces/${ws}/runs`,
    action: 'runs.start',
    body: () => ({
      kind: 'run',
      selector: 'development',
      regions: ['us-east-1'],
      service: 'sts',
      operation: 'GetCallerIdentity',
    }),
    ok: 202,
  },
  {
    name: 'GET run',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/runs/run-${ws}`,
    action: 'runs.read',
    ok: 200,
    prepare: finishedRun,
  },
  {
    name: 'GET run events',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/runs/run-${ws}/events`,
    action: 'runs.read',
    ok: 200,
    prepare: finishedRun,
  },
  // the inventory (src/server/routes/inventory-routes.ts): every read viewer+, SQL included
  ...(['types', 'resources', 'coverage'] as const).map((part): MatrixRoute => ({
    name: `GET inventory ${part}`,
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/inventory/${part}`,
    action: 'inventory.read',
    ok: 200,
  })),
  {
    name: 'POST inventory query',
    method: 'POST',
    path: (ws) => `/api/workspaces/${ws}/inventory/query`,
    action: 'inventory.read',
    body: () => ({ sql: 'SELECT count(*) FROM resources' }),
    ok: 200,
  },
  // what a run's selector picks (src/server/routes/selection-routes.ts): a viewer may ask
  {
    name: 'GET selection',
    method: 'GET',
    path: (ws) => `/api/workspaces/${ws}/selection?selector=all`,
    action: 'runs.read',
    ok: 200,
  },
];

/** The routes outside any workspace that the attack tests cover too (who may: any user / a server owner). */
export const SERVER_ROUTES: { name: string; method: MatrixRoute['method']; path: string; body?: () => unknown }[] = [
  { name: 'GET workspaces', method: 'GET', path: '/api/workspaces' },
  {
    name: 'POST workspaces',
    method: 'POST',
    path: '/api/workspaces',
    body: () => ({ name: `made-${Math.random().toString(36).slice(2, 8)}`, accounts: ['development'] }),
  },
  // the run form's operation picker (src/server/routes/operation-routes.ts): any signed-in user
  { name: 'GET operations', method: 'GET', path: '/api/operations?service=sts' },
  // the member's own TOTP (src/server/routes/totp-routes.ts)
  { name: 'POST second factor', method: 'POST', path: '/api/me/second-factor', body: () => ({ code: '123456' }) },
  { name: 'POST totp confirm', method: 'POST', path: '/api/me/totp/confirm', body: () => ({ code: '123456' }) },
];
