import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Crossbar } from '../../src/core/crossbar.js';
import {
  appendRunResult,
  countRunResults,
  endRun,
  executeRun,
  expectedTargets,
  findRun,
  insertRun,
  interruptAbandonedRuns,
  listRuns,
  openTeamDb,
  planRun,
  readRunResults,
  RunRequestSchema,
  selectWorkspaceTargets,
  type RunRequest,
  type TeamStore,
} from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * The recording of runs (issue 10 item 5) on SQLite and a real PostgreSQL: rows, counts, paging, the interrupted
 * runs a stopped server leaves, and `executeRun` over the sandbox with the real SDK.
 */
let pg: TestPostgres;
let w: World;
let crossbar: Crossbar;
beforeAll(async () => {
  [pg, w] = await Promise.all([startTestPostgres(), startWorld()]);
  crossbar = w.crossbar();
}, 60_000);
afterAll(async () => {
  await Promise.all([pg?.stop(), w?.stop()]);
});

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`runs_${Math.random().toString(36).slice(2, 8)}`)],
];

const T0 = Date.parse('2026-12-05T12:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function request(body: Record<string, unknown>): RunRequest {
  return RunRequestSchema.parse(body);
}

const describeInstances = request({
  kind: 'run',
  selector: 'development,staging',
  regions: ['us-east-1', 'eu-south-1'],
  service: 'ec2',
  operation: 'DescribeInstances',
});

describe.each(databases)('runs on %s', (_kind, dbUrl) => {
  let store: TeamStore;
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'crossbar-runs-'));
    store = await openTeamDb({ url: await dbUrl(), home });
    for (const id of ['ws-platform', 'ws-other'])
      await store.db
        .insertInto('workspaces')
        .values({
          id,
          name: id,
          description: '',
          connection_json: '{"kind":"source"}',
          accounts_json: '["stage!=prod"]',
          roles_json: '[]',
          created_at: at(0),
          created_by: 'alice',
        })
        .execute();
  });
  afterAll(async () => {
    await store?.close();
    rmSync(home, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await store.db.deleteFrom('runs').execute();
  });

  const newRun = (id: string, startedAt: string, workspaceId = 'ws-platform', runner = 'here') =>
    insertRun(store, {
      id,
      workspaceId,
      userId: 'u-carol',
      request: describeInstances,
      startedAt,
      runner,
      targetCount: 4,
    });

  it('records results with counts that move with them, and reads them back in order', async () => {
    await newRun('r1', at(1));
    await appendRunResult(
      store,
      'r1',
      1,
      {
        accountId: '1',
        accountName: 'a',
        region: 'us-east-1',
        ok: true,
        code: null,
        awsCode: null,
        message: null,
        valueJson: '{"n":1}',
      },
      at(2),
    );
    await appendRunResult(
      store,
      'r1',
      2,
      {
        accountId: '1',
        accountName: 'a',
        region: 'eu-south-1',
        ok: false,
        code: 'REGION_DISABLED',
        awsCode: 'AuthFailure',
        message: 'not enabled',
        valueJson: null,
      },
      at(3),
    );
    const run = await findRun(store, 'ws-platform', 'r1');
    expect(run).toMatchObject({ status: 'running', okCount: 1, failedCount: 1, targetCount: 4, kind: 'run' });
    expect(run?.request).toEqual(describeInstances);
    expect((await readRunResults(store, 'r1', { limit: 10 })).map((r) => [r.seq, r.ok, r.code, r.awsCode])).toEqual([
      [1, true, null, null],
      [2, false, 'REGION_DISABLED', 'AuthFailure'],
    ]);
    expect((await readRunResults(store, 'r1', { after: 1, limit: 10 })).map((r) => r.seq)).toEqual([2]);
    expect(await countRunResults(store, 'r1', 1)).toEqual({ ok: 1, failed: 0 });
    expect(await countRunResults(store, 'r1', 2)).toEqual({ ok: 1, failed: 1 });
    // another workspace's run is not found (denied twin)
    expect(await findRun(store, 'ws-other', 'r1')).toBeUndefined();
    expect(await endRun(store, 'r1', { status: 'finished', finishedAt: at(4), summary: '1 ok, 1 failed' })).toBe(true);
    // a run ends once
    expect(await endRun(store, 'r1', { status: 'interrupted', finishedAt: at(5), summary: 'x' })).toBe(false);
    expect(await findRun(store, 'ws-platform', 'r1')).toMatchObject({ status: 'finished', finishedAt: at(4) });
  });

  it("lists a workspace's runs newest first, a page at a time, and nothing of another workspace's", async () => {
    for (let i = 1; i <= 5; i++) await newRun(`p${i}`, at(i));
    // two runs in the same millisecond are ordered by id, and paging never skips or repeats one
    await newRun('p0b', at(3));
    await newRun('x1', at(9), 'ws-other');
    const first = await listRuns(store, 'ws-platform', { limit: 4 });
    expect(first.runs.map((r) => r.id)).toEqual(['p5', 'p4', 'p3', 'p0b']);
    const second = await listRuns(store, 'ws-platform', { limit: 4, before: first.next });
    expect(second.runs.map((r) => r.id)).toEqual(['p2', 'p1']);
    expect(second.next).toBeUndefined();
  });

  it('at start, interrupts the runs this runner left and those whose runner went quiet, not live ones elsewhere', async () => {
    await newRun('mine', at(1), 'ws-platform', 'here');
    await newRun('quiet', at(1), 'ws-platform', 'elsewhere');
    await newRun('alive', at(1), 'ws-platform', 'elsewhere');
    await store.db
      .updateTable('runs')
      .set({ heartbeat_at: at(200) })
      .where('id', '=', 'alive')
      .execute();
    const ended = await interruptAbandonedRuns(store, { runner: 'here', staleBefore: at(100), at: at(220) });
    expect(ended.map((r) => r.id).sort()).toEqual(['mine', 'quiet']);
    expect(ended[0]?.workspaceId).toBe('ws-platform');
    expect(await findRun(store, 'ws-platform', 'mine')).toMatchObject({
      status: 'interrupted',
      summary: 'interrupted: the server stopped while it ran',
    });
    expect(await findRun(store, 'ws-platform', 'alive')).toMatchObject({ status: 'running' });
  });

  it('executes DescribeInstances over 2 accounts × 2 regions against the sandbox: one result per target, stored', async () => {
    const plan = await planRun(describeInstances);
    const accounts = selectWorkspaceTargets({
      registry: crossbar.registry,
      workspaceAccounts: crossbar.registry.accounts.filter((a) => a.stage !== 'prod'),
      workspaceName: 'platform',
      selector: describeInstances.selector,
    });
    const targetCount = expectedTargets(plan, accounts, describeInstances.regions) ?? null;
    expect(targetCount).toBe(4);
    await newRun('e1', at(1));
    let told = 0;
    // what the server records of the end (its trail entry) is written while the run is still seen running
    const atEnd: { status?: string; seenAs?: string | undefined; told?: number } = {};
    const end = await executeRun({
      store,
      runId: 'e1',
      plan,
      accounts,
      regions: describeInstances.regions,
      root: crossbar,
      now: () => T0,
      targetCount,
      onStored: () => (told += 1),
      beforeEnd: async (e) => {
        atEnd.status = e.status;
        atEnd.seenAs = (await findRun(store, 'ws-platform', 'e1'))?.status;
        atEnd.told = told;
      },
    });
    expect(end).toMatchObject({ status: 'finished', summary: '2 ok, 2 failed (REGION_DISABLED ×2)' });
    expect(atEnd).toEqual({ status: 'finished', seenAs: 'running', told: 4 });
    expect(told).toBe(5);
    const rows = await readRunResults(store, 'e1', { limit: 10 });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    const byTarget = new Map(rows.map((r) => [`${r.accountName}/${r.region}`, r]));
    expect(byTarget.get('development/eu-south-1')).toMatchObject({
      ok: false,
      code: 'REGION_DISABLED',
      awsCode: 'AuthFailure',
    });
    expect(byTarget.get('development/eu-south-1')?.message).toMatch(/not enabled/);
    const dev = byTarget.get('development/us-east-1');
    expect(dev?.ok).toBe(true);
    const value = JSON.parse(dev?.valueJson ?? '{}') as { Reservations: { Instances: unknown[] }[] };
    expect(value.Reservations.flatMap((r) => r.Instances)).toHaveLength(3);
    expect(await findRun(store, 'ws-platform', 'e1')).toMatchObject({
      status: 'finished',
      okCount: 2,
      failedCount: 2,
      summary: '2 ok, 2 failed (REGION_DISABLED ×2)',
    });
  });

  it('an aborted run records its unfinished targets INTERRUPTED and ends interrupted', async () => {
    w.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 400 }] });
    try {
      const req = request({ ...describeInstances, regions: ['us-east-1', 'eu-west-1'] });
      const plan = await planRun(req);
      const accounts = selectWorkspaceTargets({
        registry: crossbar.registry,
        workspaceAccounts: crossbar.registry.accounts,
        workspaceName: 'platform',
        selector: 'development,staging',
      });
      await newRun('i1', at(1));
      const stop = new AbortController();
      setTimeout(() => stop.abort(), 150);
      const end = await executeRun({
        store,
        runId: 'i1',
        plan,
        accounts,
        regions: req.regions,
        root: crossbar,
        now: () => T0,
        targetCount: 4,
        signal: stop.signal,
        // a failing record of the end (the trail's database went away) does not keep the run from ending
        beforeEnd: () => Promise.reject(new Error('trail unavailable')),
      });
      expect(end.status).toBe('interrupted');
      const rows = await readRunResults(store, 'i1', { limit: 10 });
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => r.code === 'INTERRUPTED')).toBe(true);
      expect(await findRun(store, 'ws-platform', 'i1')).toMatchObject({ status: 'interrupted', failedCount: 4 });
    } finally {
      w.sb.faults.set({});
    }
  });

  it("a sync reads the inventory into the server's inventory file, one result per target", async () => {
    const req = request({ kind: 'sync', selector: 'development', regions: ['us-east-1'], types: ['ec2_instances'] });
    const plan = await planRun(req);
    const accounts = selectWorkspaceTargets({
      registry: crossbar.registry,
      workspaceAccounts: crossbar.registry.accounts,
      workspaceName: 'platform',
      selector: req.selector,
    });
    await insertRun(store, {
      id: 's1',
      workspaceId: 'ws-platform',
      userId: 'u-carol',
      request: req,
      startedAt: at(1),
      runner: 'here',
      targetCount: 1,
    });
    const inventoryPath = join(home, 'inventory.db');
    const end = await executeRun({
      store,
      runId: 's1',
      plan,
      accounts,
      regions: req.regions,
      root: crossbar,
      now: () => T0,
      targetCount: 1,
      inventoryPath,
    });
    expect(end).toMatchObject({ status: 'finished', summary: '1 ok, 0 failed' });
    const [row] = await readRunResults(store, 's1', { limit: 10 });
    expect(JSON.parse(row?.valueJson ?? '{}')).toEqual({ slices: 1, resources: 3 });
    const inventory = new Database(inventoryPath, { readonly: true });
    try {
      expect(inventory.prepare('select count(*) as n from ec2_instances').get()).toEqual({ n: 3 });
    } finally {
      inventory.close();
    }
  });
});

describe('planRun', () => {
  it('refuses a write before anything is sent, and a typo or bad parameter with the model', async () => {
    await expect(
      planRun(
        request({
          kind: 'run',
          selector: 'all',
          service: 'ec2',
          operation: 'TerminateInstances',
          params: { InstanceIds: ['i-1'] },
        }),
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/only read: nothing was sent/) });
    await expect(
      planRun(request({ kind: 'run', selector: 'all', service: 'ec2', operation: 'DescribeInstancez' })),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
    await expect(
      planRun(
        request({
          kind: 'run',
          selector: 'all',
          service: 'ec2',
          operation: 'DescribeInstances',
          params: { Filter: [] },
        }),
      ),
    ).rejects.toMatchObject({ code: 'USAGE' });
    await expect(planRun(request({ kind: 'sync', selector: 'all', types: ['ec2_instancez'] }))).rejects.toMatchObject({
      code: 'USAGE',
    });
    // the read twin
    await expect(
      planRun(request({ kind: 'run', selector: 'all', service: 'ec2', operation: 'describe-instances' })),
    ).resolves.toMatchObject({
      kind: 'run',
      label: 'ec2 DescribeInstances',
      global: false,
    });
  });
});
