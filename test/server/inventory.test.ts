import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { workspaceInventoryPath } from '../../src/core/inventory/index.js';
import { Vending } from '../../src/core/team/index.js';
import { runHubOf, type ServerDeps } from '../../src/server/index.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  startTeamWorld,
  tokenClient,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * A workspace's inventory through the server (issue 11 item 6): filled by syncs through the server, read per
 * workspace (types, resources, coverage) and with read-only SQL that has `crossbar query`'s limits; every read
 * allowed for a member has its denied twin (a non-member: 404), and no answer ever holds a row of an account
 * outside the workspace — arbitrary SQL included, and after an account has left the workspace.
 */
let sandbox: World;
let world: TeamWorld;
let alice: ApiClient;
let bob: ApiClient;
let carol: ApiClient;
let dave: ApiClient;
let productionId: string;
let stagingId: string;
const inv = (ws = 'platform') => `/api/workspaces/${ws}/inventory`;

interface TypesBody {
  synced: boolean;
  types: { type: string; count: number }[];
  total: number;
  regions: string[];
  accounts: { id: string; name: string }[];
}
interface ResourcesBody {
  total: number;
  limit: number;
  offset: number;
  resources: { type: string; account_id: string; account_name: string; region: string; arn: string; name: string }[];
}
interface CoverageBody {
  synced: boolean;
  stale_after_seconds: number;
  slices: { account_id: string; type: string; status: string; age_seconds: number; stale: boolean }[];
}
interface QueryBody {
  columns: string[];
  rows: (string | number | null)[][];
  row_count: number;
  stopped: string | null;
}
interface ErrorAnswer {
  error: { code: string; message: string; hint?: string };
}

async function syncAs(who: ApiClient, ws: string, selector: string): Promise<void> {
  const started = await who.post<{ id: string }>(`/api/workspaces/${ws}/runs`, {
    kind: 'sync',
    selector,
    regions: ['us-east-1', 'eu-west-1'],
    types: ['ec2_instances', 'iam_roles', 's3_buckets'],
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  await runHubOf(world.deps).idle();
  const run = await who.get<{ run: { status: string; counts: { failed: number } } }>(
    `/api/workspaces/${ws}/runs/${started.body.id}`,
  );
  expect(run.body.run).toMatchObject({ status: 'finished', counts: { failed: 0 } });
}

function workspaceFile(name: string): Promise<string> {
  return world.store.db
    .selectFrom('workspaces')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow()
    .then((w) => workspaceInventoryPath(world.home, w.id));
}

beforeAll(async () => {
  sandbox = await startWorld();
  const crossbar = sandbox.crossbar();
  world = await startTeamWorld({
    crossbar,
    extend: (deps): ServerDeps => ({
      ...deps,
      vending: new Vending({ crossbar, env: sandbox.awsEnv, sourceMfaCode: () => Promise.resolve(sandbox.mfaCode()) }),
    }),
  });
  // The syncs stamp their slices with the sandbox root's clock (the real one): the server's ages count from it too.
  world.clock.now = Date.now();
  alice = await setupOwner(world);
  bob = await signIn(world, 'bob', alice);
  carol = await signIn(world, 'carol', alice);
  dave = await signIn(world, 'dave', alice);
  await makeWorkspace(alice, { name: 'platform', accounts: ['development', 'staging'] });
  await makeWorkspace(alice, { name: 'production', accounts: ['production'] });
  await makeWorkspace(alice, { name: 'empty', accounts: ['development'] });
  await addMember(alice, 'platform', 'bob', 'viewer');
  await addMember(alice, 'platform', 'carol', 'operator');
  const detail = await alice.get<{ accounts: { id: string; name: string }[] }>('/api/workspaces/production');
  productionId = detail.body.accounts[0]?.id ?? '';
  const platform = await alice.get<{ accounts: { id: string; name: string }[] }>('/api/workspaces/platform');
  stagingId = platform.body.accounts.find((a) => a.name === 'staging')?.id ?? '';
  await syncAs(carol, 'platform', 'all');
  await syncAs(alice, 'production', 'all');
}, 120_000);
afterAll(async () => {
  await world?.close();
  await sandbox?.stop();
});

describe('a workspace inventory on the server', () => {
  it("each sync writes its workspace's own file; production's rows are only in production's", async () => {
    const platform = new Database(await workspaceFile('platform'), { readonly: true });
    const production = new Database(await workspaceFile('production'), { readonly: true });
    try {
      const accounts = (db: Database.Database) =>
        db.prepare('SELECT DISTINCT account_id FROM sync_status ORDER BY 1').pluck().all();
      expect(accounts(platform)).not.toContain(productionId);
      expect(accounts(platform)).toContain(stagingId);
      expect(accounts(production)).toEqual([productionId]);
    } finally {
      platform.close();
      production.close();
    }
    expect(existsSync(await workspaceFile('empty'))).toBe(false);
  });

  it('types: a viewer reads the counts; a non-member gets the 404 of a missing workspace', async () => {
    const types = await bob.get<TypesBody>(`${inv()}/types`);
    expect(types.status).toBe(200);
    expect(types.body.synced).toBe(true);
    const ec2 = types.body.types.find((t) => t.type === 'ec2_instances');
    expect(ec2?.count).toBeGreaterThan(0);
    expect(types.body.total).toBe(types.body.types.reduce((n, t) => n + t.count, 0));
    expect(types.body.accounts.map((a) => a.name).sort()).toEqual(['development', 'staging']);
    expect(types.body.regions).toContain('us-east-1');

    const denied = await dave.get<ErrorAnswer>(`${inv()}/types`);
    expect(denied.status).toBe(404);
    expect(denied.body.error.code).toBe('NOT_FOUND');
    expect((await bob.get(`${inv('production')}/types`)).status).toBe(404);
    expect((await bob.get(`${inv('no-such')}/types`)).status).toBe(404);
  });

  it('a workspace with no sync yet says so, with empty lists', async () => {
    const types = await alice.get<TypesBody>(`${inv('empty')}/types`);
    expect(types.body).toMatchObject({ synced: false, types: [], total: 0 });
    expect((await alice.get<CoverageBody>(`${inv('empty')}/coverage`)).body).toMatchObject({
      synced: false,
      slices: [],
    });
    expect((await alice.get<ResourcesBody>(`${inv('empty')}/resources`)).body).toMatchObject({
      total: 0,
      resources: [],
    });
  });

  it('resources: filters by type, account, region and text, pages, and refuses bad parameters', async () => {
    const all = await bob.get<ResourcesBody>(`${inv()}/resources?limit=500`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(all.body.resources.length);
    expect(all.body.resources.every((r) => r.account_id !== productionId)).toBe(true);

    const ec2 = await bob.get<ResourcesBody>(
      `${inv()}/resources?type=ec2_instances&account=development&region=us-east-1`,
    );
    expect(ec2.body.total).toBeGreaterThan(0);
    expect(
      ec2.body.resources.every(
        (r) => r.type === 'ec2_instances' && r.account_name === 'development' && r.region === 'us-east-1',
      ),
    ).toBe(true);

    const first = ec2.body.resources[0];
    const named = await bob.get<ResourcesBody>(`${inv()}/resources?q=${encodeURIComponent(first?.arn ?? '')}`);
    expect(named.body.resources.map((r) => r.arn)).toEqual([first?.arn]);
    // LIKE's wildcards are text here
    expect((await bob.get<ResourcesBody>(`${inv()}/resources?q=%25`)).body.total).toBe(0);

    const page1 = await bob.get<ResourcesBody>(`${inv()}/resources?limit=2`);
    const page2 = await bob.get<ResourcesBody>(`${inv()}/resources?limit=2&offset=2`);
    expect(page1.body).toMatchObject({ total: all.body.total, limit: 2, offset: 0 });
    expect([...page1.body.resources, ...page2.body.resources].map((r) => r.arn)).toEqual(
      all.body.resources.slice(0, 4).map((r) => r.arn),
    );

    // an account of another workspace, by name or id: nothing
    expect((await alice.get<ResourcesBody>(`${inv()}/resources?account=production`)).body.total).toBe(0);
    expect((await alice.get<ResourcesBody>(`${inv()}/resources?account=${productionId}`)).body.total).toBe(0);

    expect((await bob.get(`${inv()}/resources?limit=0`)).status).toBe(400);
    expect((await bob.get(`${inv()}/resources?offset=-1`)).status).toBe(400);
    const badType = await bob.get<ErrorAnswer>(`${inv()}/resources?type=sqlite_master`);
    expect(badType.status).toBe(400);
    expect(badType.body.error.hint).toContain('ec2_instances');
    expect((await dave.get(`${inv()}/resources`)).status).toBe(404);
  });

  it('coverage: the slices with their age, stale past a day; a non-member gets 404', async () => {
    const coverage = await bob.get<CoverageBody>(`${inv()}/coverage`);
    expect(coverage.status).toBe(200);
    expect(coverage.body.slices.length).toBeGreaterThan(0);
    expect(coverage.body.slices.every((s) => s.account_id !== productionId)).toBe(true);
    expect(coverage.body.slices.filter((s) => s.status !== 'ok' || s.stale || s.age_seconds < 0)).toEqual([]);

    // a day later: bob's API token outlives the session's idle limit
    const bobToken = await tokenClient(world, bob);
    world.clock.advance((coverage.body.stale_after_seconds + 60) * 1000);
    try {
      const later = await bobToken.get<CoverageBody>(`${inv()}/coverage`);
      expect(later.body.slices.every((s) => s.stale && s.age_seconds > coverage.body.stale_after_seconds)).toBe(true);
    } finally {
      world.clock.advance(-(coverage.body.stale_after_seconds + 60) * 1000);
    }
    expect((await dave.get(`${inv()}/coverage`)).status).toBe(404);
  });
});

describe('SQL over a workspace inventory', () => {
  const query = (who: ApiClient, body: unknown, ws = 'platform') =>
    who.post<QueryBody & ErrorAnswer>(`${inv(ws)}/query`, body);

  it('a viewer runs a SELECT; a non-member gets 404 and runs nothing', async () => {
    const answer = await query(bob, {
      sql: 'SELECT account_name, count(*) AS n FROM ec2_instances GROUP BY 1 ORDER BY 1',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.columns).toEqual(['account_name', 'n']);
    expect(answer.body.rows.map((r) => r[0])).toContain('development');
    expect(answer.body.stopped).toBeNull();
    expect((await query(dave, { sql: 'SELECT 1' })).status).toBe(404);
    expect((await query(bob, { sql: 'SELECT 1' }, 'production')).status).toBe(404);
  });

  it('refuses writes with the reason, trails them, and the file is unchanged', async () => {
    const file = await workspaceFile('platform');
    const digest = () => createHash('sha256').update(readFileSync(file)).digest('hex');
    const before = digest();
    const count = (await query(bob, { sql: 'SELECT count(*) FROM resources' })).body.rows;
    for (const sql of [
      'DELETE FROM ec2_instances',
      "INSERT INTO iam_roles (account_id) VALUES ('1')",
      'DROP TABLE sync_status',
      "ATTACH DATABASE 'x.db' AS x",
      'PRAGMA query_only = 0',
    ]) {
      const refused = await query(carol, { sql });
      expect(refused.status, sql).toBe(400);
      expect(refused.body.error.message).toMatch(/^query is read-only: \w+ statements are refused$/);
    }
    expect((await query(bob, { sql: 'SELECT count(*) FROM resources' })).body.rows).toEqual(count);
    expect(digest()).toBe(before);
    const trail = await alice.get<{ entries: { action: string; outcome: string; actor: string; details: unknown }[] }>(
      '/api/trail?workspace=platform&action=inventory.query',
    );
    expect(trail.body.entries.find((e) => e.outcome === 'denied')).toMatchObject({
      actor: 'carol',
      outcome: 'denied',
      details: {
        statement: 'PRAGMA',
        sql: 'PRAGMA query_only = 0',
        code: 'USAGE',
        reason: 'query is read-only: PRAGMA statements are refused',
      },
    });
    expect(trail.body.entries.filter((e) => e.outcome === 'denied')).toHaveLength(5);
    // reads are trailed too: who ran what
    expect(trail.body.entries.find((e) => e.outcome === 'ok')).toMatchObject({
      actor: 'bob',
      details: { statement: 'SELECT', sql: 'SELECT count(*) FROM resources', rows: 1, stopped: null },
    });
  });

  it("another workspace's accounts are never read, however the SQL names the tables", async () => {
    for (const sql of [
      'SELECT DISTINCT account_id FROM resources',
      'SELECT DISTINCT account_id FROM main.sync_status',
      'SELECT DISTINCT account_id FROM main.ec2_instances UNION SELECT account_id FROM main.iam_roles',
    ]) {
      const answer = await query(alice, { sql });
      expect(answer.status, sql).toBe(200);
      expect(answer.body.rows.flat(), sql).not.toContain(productionId);
    }
    const production = await query(alice, { sql: 'SELECT DISTINCT account_id FROM resources' }, 'production');
    expect(production.body.rows).toEqual([[productionId]]);
    const functions = await query(alice, { sql: "SELECT load_extension('/tmp/x')" });
    expect(functions.status).toBe(400);
  });

  it('has crossbar query’s limits: the row cap and the time limit stop it, past the ceilings is a 400', async () => {
    const forever = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c';
    const capped = await query(bob, { sql: forever, max_rows: 25 });
    expect(capped.body).toMatchObject({ row_count: 25, stopped: 'max-rows' });
    const byDefault = await query(bob, { sql: forever });
    expect(byDefault.body).toMatchObject({ row_count: 10_000, stopped: 'max-rows' });
    const silent = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c';
    const started = Date.now();
    const timed = await query(bob, { sql: silent, timeout_seconds: 1 });
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(timed.body).toMatchObject({ row_count: 0, stopped: 'timeout' });
    expect((await query(bob, { sql: 'SELECT 1', max_rows: 10_001 })).status).toBe(400);
    expect((await query(bob, { sql: 'SELECT 1', timeout_seconds: 31 })).status).toBe(400);
    expect((await query(bob, { sql: 'SELECT 1', extra: true })).status).toBe(400);
    const syntax = await query(bob, { sql: 'SELEC 1' });
    expect(syntax.body.error.message).toBe('SQL error: near "SELEC": syntax error');
    const table = await query(bob, { sql: 'SELECT * FROM ec2_instance' });
    expect(table.body.error.hint).toBe("Did you mean 'ec2_instances'?");
    expect(JSON.stringify(table.body)).not.toContain(world.home);
  });

  it('a workspace with no sync yet queries an empty inventory', async () => {
    const answer = await query(alice, { sql: 'SELECT count(*) FROM resources' }, 'empty');
    expect(answer.body.rows).toEqual([[0]]);
  });

  it('an account that left the workspace is read no more: its rows are removed before the next query', async () => {
    const file = await workspaceFile('platform');
    const patched = await alice.request('PATCH', `/api/workspaces/platform`, { accounts: ['development'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    try {
      expect((await bob.get<TypesBody>(`${inv()}/types`)).body.accounts.map((a) => a.name)).toEqual(['development']);
      const coverage = await bob.get<CoverageBody>(`${inv()}/coverage`);
      expect(coverage.body.slices.every((s) => s.account_id !== stagingId)).toBe(true);
      // still in the file until a query needs it gone
      const inFile = () => {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare('SELECT count(*) FROM resources WHERE account_id = ?').pluck().get(stagingId);
        } finally {
          db.close();
        }
      };
      expect(inFile()).not.toBe(0);
      const answer = await query(bob, { sql: 'SELECT DISTINCT account_id FROM main.sync_status' });
      expect(answer.status).toBe(200);
      expect(answer.body.rows.flat()).not.toContain(stagingId);
      expect(inFile()).toBe(0);
    } finally {
      await alice.request('PATCH', `/api/workspaces/platform`, { accounts: ['development', 'staging'] });
    }
  });
});
