import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createUser } from '../../src/sandbox/world/iam-entities.js';
import { workloadsIn } from '../../src/sandbox/world/workloads.js';
import { CLIENT_ACME, DEVELOPMENT, PRODUCTION, STAGING } from '../helpers/sandbox-clients.js';
import { captureIo, waitFor } from '../cli/run-cli.js';
import { startWorld, type World } from '../helpers/world.js';
import { countsIn, expectedCounts, readDb, type TypeCounts } from './expected.js';

/**
 * `crossbar inventory sync` end to end: the real CLI (in-process), the real credential engine and SDK clients,
 * against the sandbox's demo organization (four member accounts × us-east-1, eu-west-1).
 */
let w: World;
const MEMBERS = [DEVELOPMENT, STAGING, PRODUCTION, CLIENT_ACME];
const REGIONS = ['us-east-1', 'eu-west-1'];
/** 7 regional types × 2 regions + 3 global types, per account. */
const SLICES_PER_ACCOUNT = 7 * 2 + 3;

beforeAll(async () => {
  w = await startWorld();
  // Member accounts have no IAM users in the seed: an administrator made one, so that iam_users is not empty.
  const dev = w.sb.world.accounts[DEVELOPMENT];
  if (!dev) throw new Error('no development account');
  createUser(w.sb.world, dev, 'deploy-bot', {
    path: '/ci/',
    createDate: '2026-01-05T00:00:00.000Z',
    tags: { team: 'platform' },
  });
});
afterAll(() => w.stop());

let homes = 0;
function freshHome(): { home: string; db: string } {
  const home = join(w.dir, `inventory-home-${(homes += 1)}`);
  return { home, db: join(home, 'inventory.db') };
}

interface SyncJson {
  db: string;
  types: string[];
  summary: {
    total: number;
    ok: number;
    failed: number;
    byCode: Record<string, number>;
    resources: number;
    calls: number;
    text: string;
  };
  coverage: { regions: string[]; rows: { name: string; cells: Record<string, { ok: boolean; code?: string }> }[] };
  failures: {
    account: string;
    name: string;
    region: string;
    type: string;
    code: string;
    message: string;
    awsCode: string | null;
  }[];
}

async function sync(home: string, args: string[] = [], extra: Record<string, string> = {}) {
  const out = await w.cli(['inventory', 'sync', ...args, '-o', 'json'], { CROSSBAR_HOME: home, ...extra });
  return { ...out, report: out.stdout ? (JSON.parse(out.stdout) as SyncJson) : undefined };
}

const nonZero = (c: TypeCounts) => Object.fromEntries(Object.entries(c).filter(([, n]) => n > 0));

describe('crossbar inventory sync', () => {
  it('fills every type with the counts of the sandbox world, one ok sync_status row per slice', async () => {
    const { home, db } = freshHome();
    const out = await sync(home);
    expect(out.stderr).toMatch(/✓ 68 slices ok, 0 failed, \d+ resources in [\d.]+s, \d+ API calls\n$/);
    expect(out.code).toBe(0);
    const expected = Object.fromEntries(MEMBERS.map((id) => [id, expectedCounts(w.sb.world, id, REGIONS)]));
    const total = Object.values(expected)
      .flatMap((c) => Object.values(c))
      .reduce((a, b) => a + b, 0);
    expect(out.report?.summary).toMatchObject({ total: 68, ok: 68, failed: 0, resources: total });
    expect(out.report?.db).toBe(db);
    for (const id of MEMBERS) expect(countsIn(db, id)).toEqual(nonZero(expected[id] ?? {}));
    // Every type has rows somewhere: none of the ten is a silent zero.
    const types = readDb<{ type: string }>(db, 'SELECT DISTINCT type FROM resources ORDER BY type').map((r) => r.type);
    expect(types).toEqual([
      'dynamodb_tables',
      'ec2_instances',
      'ec2_security_groups',
      'ec2_volumes',
      'ec2_vpcs',
      'iam_roles',
      'iam_users',
      'lambda_functions',
      'rds_instances',
      's3_buckets',
    ]);
    const status = readDb<{ status: string; n: number; items: number }>(
      db,
      'SELECT status, count(*) AS n, sum(item_count) AS items FROM sync_status GROUP BY status',
    );
    expect(status).toEqual([{ status: 'ok', n: 68, items: total }]);
  });

  it('rows carry the account, stage, ARN built from parts, tags and type columns the world has', async () => {
    const { home, db } = freshHome();
    expect((await sync(home)).code).toBe(0);
    const world = w.sb.world.accounts[PRODUCTION];
    const instance = world?.instances['eu-west-1']?.[0];
    if (!world || !instance) throw new Error('no production instance in eu-west-1');
    expect(
      readDb(
        db,
        'SELECT account_id, account_name, stage, region, arn, state, instance_type, vpc_id, tags FROM ec2_instances WHERE instance_id = ?',
        instance.instanceId,
      ),
    ).toEqual([
      {
        account_id: PRODUCTION,
        account_name: 'production',
        stage: 'prod',
        region: 'eu-west-1',
        arn: `arn:aws:ec2:eu-west-1:${PRODUCTION}:instance/${instance.instanceId}`,
        state: instance.state,
        instance_type: instance.instanceType,
        vpc_id: instance.vpcId,
        tags: JSON.stringify(instance.tags),
      },
    ]);
    for (const bucket of world.buckets) {
      expect(readDb(db, 'SELECT region, arn, tags FROM s3_buckets WHERE name = ?', bucket.name)).toEqual([
        { region: bucket.region, arn: `arn:aws:s3:::${bucket.name}`, tags: JSON.stringify(bucket.tags) },
      ]);
    }
    const fn = workloadsIn(w.sb.world, world, 'us-east-1').functions[0];
    if (!fn) throw new Error('no production function');
    expect(
      readDb(
        db,
        'SELECT arn, runtime, memory_size, tags FROM lambda_functions WHERE name = ? AND account_id = ?',
        fn.name,
        PRODUCTION,
      ),
    ).toEqual([{ arn: fn.arn, runtime: fn.runtime, memory_size: fn.memorySize, tags: JSON.stringify(fn.tags) }]);
    const table = workloadsIn(w.sb.world, world, 'us-east-1').tables[0];
    if (!table) throw new Error('no production table');
    const [row] = readDb<{ arn: string; item_count: number; tags: string; raw: string }>(
      db,
      'SELECT arn, item_count, tags, raw FROM dynamodb_tables WHERE name = ? AND region = ? AND account_id = ?',
      table.name,
      'us-east-1',
      PRODUCTION,
    );
    expect(row).toMatchObject({ arn: table.arn, item_count: table.itemCount, tags: JSON.stringify(table.tags) });
    expect(JSON.parse(row?.raw ?? '{}')).toMatchObject({ TableName: table.name, TableStatus: 'ACTIVE' });
    expect(readDb(db, 'SELECT account_id, region, arn, path, tags FROM iam_users')).toEqual([
      {
        account_id: DEVELOPMENT,
        region: 'global',
        arn: `arn:aws:iam::${DEVELOPMENT}:user/ci/deploy-bot`,
        path: '/ci/',
        tags: '{"team":"platform"}',
      },
    ]);
    const trust =
      readDb<{ trust_policy: string }>(
        db,
        "SELECT trust_policy FROM iam_roles WHERE account_id = ? AND name = 'CrossbarReadOnly'",
        PRODUCTION,
      )[0]?.trust_policy ?? '';
    expect(JSON.parse(trust)).toMatchObject({ Statement: [{ Effect: 'Allow' }] });
  });

  it("re-syncing after a failed slice keeps that slice's old rows and records it failed; other slices are replaced", async () => {
    const { home, db } = freshHome();
    expect((await sync(home)).code).toBe(0);
    const before = readDb<{ arn: string; region: string; synced_at: string }>(
      db,
      'SELECT arn, region, synced_at FROM lambda_functions WHERE account_id = ? ORDER BY arn',
      DEVELOPMENT,
    );
    const firstSync = before.find((r) => r.region === 'us-east-1')?.synced_at;
    expect(before.length).toBeGreaterThan(0);
    // Between the two syncs: a new instance in development, and Lambda failing there (every call a 500).
    const dev = w.sb.world.accounts[DEVELOPMENT];
    const seed = dev?.instances['us-east-1']?.[0];
    if (!dev || !seed) throw new Error('no development instance');
    dev.instances['us-east-1']?.push({
      ...seed,
      instanceId: 'i-0fa11ed0000000001',
      tags: { Name: 'added-between-syncs' },
    });
    w.sb.faults.set({ rules: [{ account: DEVELOPMENT, service: 'lambda', errorRate: 1 }] });
    try {
      const out = await sync(home);
      expect(out.code).toBe(1);
      expect(out.report?.summary).toMatchObject({ total: 68, ok: 66, failed: 2 });
      expect(out.report?.failures.map((f) => `${f.name}/${f.region}/${f.type}`).sort()).toEqual([
        'development/eu-west-1/lambda_functions',
        'development/us-east-1/lambda_functions',
      ]);
      expect(out.stderr).toMatch(/✗ 66 slices ok, 2 failed \(ERROR ×2\)/);
    } finally {
      w.sb.faults.set({});
      dev.instances['us-east-1']?.pop();
    }
    // The failed slices: the same rows, from the first sync.
    expect(
      readDb(db, 'SELECT arn, region, synced_at FROM lambda_functions WHERE account_id = ? ORDER BY arn', DEVELOPMENT),
    ).toEqual(before);
    const status = readDb<{
      status: string;
      error_code: string;
      aws_error_code: string;
      item_count: number;
      last_ok_at: string;
      synced_at: string;
    }>(
      db,
      "SELECT status, error_code, aws_error_code, item_count, last_ok_at, synced_at FROM sync_status WHERE account_id = ? AND type = 'lambda_functions' AND region = 'us-east-1'",
      DEVELOPMENT,
    );
    const oldCount = workloadsIn(w.sb.world, dev, 'us-east-1').functions.length;
    expect(status).toEqual([
      {
        status: 'failed',
        error_code: 'ERROR',
        aws_error_code: 'InternalFailure',
        item_count: oldCount,
        last_ok_at: firstSync,
        synced_at: expect.any(String) as unknown,
      },
    ]);
    expect(status[0]?.synced_at).not.toBe(firstSync);
    // Every other slice was replaced: development's new instance is there, other accounts' functions are new.
    expect(readDb(db, "SELECT name FROM ec2_instances WHERE instance_id = 'i-0fa11ed0000000001'")).toEqual([
      { name: 'added-between-syncs' },
    ]);
    const others = readDb<{ synced_at: string }>(
      db,
      'SELECT DISTINCT synced_at FROM lambda_functions WHERE account_id != ?',
      DEVELOPMENT,
    );
    expect(others.length).toBeGreaterThan(0);
    const latestFirst =
      before
        .map((r) => r.synced_at)
        .sort()
        .at(-1) ?? '';
    for (const o of others) expect(o.synced_at > latestFirst).toBe(true);
    expect(readDb(db, "SELECT count(*) AS n FROM sync_status WHERE status = 'ok' AND last_ok_at = synced_at")).toEqual([
      { n: 66 },
    ]);
  });

  it('a denied account is recorded as DENIED with the reason, not dropped, and keeps its rows', async () => {
    const { home, db } = freshHome();
    expect((await sync(home)).code).toBe(0);
    const acmeRows = countsIn(db, CLIENT_ACME);
    const config = w.variant('no-external-id', (yaml) => yaml.replace(/^ +external_id: .*\n/m, ''));
    const out = await sync(home, [], { CROSSBAR_CONFIG: config });
    expect(out.code).toBe(1);
    expect(out.report?.summary).toMatchObject({
      total: 68,
      ok: 51,
      failed: SLICES_PER_ACCOUNT,
      byCode: { DENIED: SLICES_PER_ACCOUNT },
    });
    const failures = out.report?.failures ?? [];
    expect(new Set(failures.map((f) => f.name))).toEqual(new Set(['client-acme']));
    expect(failures[0]?.message).toMatch(
      /^Could not assume arn:aws:iam::555555555555:role\/CrossbarReadOnly .*: ExternalId$/,
    );
    expect(out.report?.coverage.rows.find((r) => r.name === 'client-acme')?.cells).toEqual({
      'eu-west-1': { ok: false, code: 'DENIED' },
      'us-east-1': { ok: false, code: 'DENIED' },
    });
    expect(
      readDb(
        db,
        "SELECT region, count(*) AS n, min(error_code) AS code FROM sync_status WHERE account_id = ? AND status = 'failed' GROUP BY region ORDER BY region",
        CLIENT_ACME,
      ),
    ).toEqual([
      { region: 'eu-west-1', n: 7, code: 'DENIED' },
      { region: 'global', n: 3, code: 'DENIED' },
      { region: 'us-east-1', n: 7, code: 'DENIED' },
    ]);
    expect(countsIn(db, CLIENT_ACME)).toEqual(acmeRows);
  });

  it('a role that does not exist: every account DENIED, one sync_status row per slice', async () => {
    const { home, db } = freshHome();
    const out = await sync(home, ['--role', 'nope', '--types', 'ec2_vpcs', '--regions', 'us-east-1']);
    expect(out.code).toBe(1);
    expect(out.report?.summary).toMatchObject({ total: 4, ok: 0, failed: 4, byCode: { DENIED: 4 } });
    expect(
      readDb(db, 'SELECT account_name, region, type, status, error_code FROM sync_status ORDER BY account_name'),
    ).toEqual(
      ['client-acme', 'development', 'production', 'staging'].map((account_name) => ({
        account_name,
        region: 'us-east-1',
        type: 'ec2_vpcs',
        status: 'failed',
        error_code: 'DENIED',
      })),
    );
  });

  it("a region the account has not enabled: REGION_DISABLED, not DENIED; the account's other slices are ok", async () => {
    const { home, db } = freshHome();
    const out = await sync(home, ['--types', 'ec2_instances,iam_roles', '--regions', 'eu-south-1']);
    expect(out.code).toBe(1);
    expect(out.report?.summary).toMatchObject({ total: 8, ok: 5, failed: 3, byCode: { REGION_DISABLED: 3 } });
    expect(
      readDb(
        db,
        "SELECT account_name, type, status, error_code FROM sync_status WHERE region = 'eu-south-1' ORDER BY account_name",
      ),
    ).toEqual([
      { account_name: 'client-acme', type: 'ec2_instances', status: 'failed', error_code: 'REGION_DISABLED' },
      { account_name: 'development', type: 'ec2_instances', status: 'failed', error_code: 'REGION_DISABLED' },
      { account_name: 'production', type: 'ec2_instances', status: 'ok', error_code: null },
      { account_name: 'staging', type: 'ec2_instances', status: 'failed', error_code: 'REGION_DISABLED' },
    ]);
    expect(readDb(db, "SELECT count(*) AS n FROM sync_status WHERE type = 'iam_roles' AND status = 'ok'")).toEqual([
      { n: 4 },
    ]);
  });

  it('--types and --regions narrow the slices; global types are read once per account', async () => {
    const { home, db } = freshHome();
    const out = await sync(home, [
      'stage=prod,stage=dev',
      '--types',
      'iam,ec2_vpcs',
      '--regions',
      'eu-west-1,us-east-1',
    ]);
    expect(out.code).toBe(0);
    expect(out.report?.types).toEqual(['ec2_vpcs', 'iam_roles', 'iam_users']);
    expect(readDb(db, 'SELECT account_name, region, type FROM sync_status ORDER BY 1, 2, 3')).toEqual([
      { account_name: 'development', region: 'eu-west-1', type: 'ec2_vpcs' },
      { account_name: 'development', region: 'global', type: 'iam_roles' },
      { account_name: 'development', region: 'global', type: 'iam_users' },
      { account_name: 'development', region: 'us-east-1', type: 'ec2_vpcs' },
      { account_name: 'production', region: 'eu-west-1', type: 'ec2_vpcs' },
      { account_name: 'production', region: 'global', type: 'iam_roles' },
      { account_name: 'production', region: 'global', type: 'iam_users' },
      { account_name: 'production', region: 'us-east-1', type: 'ec2_vpcs' },
    ]);
  });

  it('Ctrl-C mid-sync: finished slices are kept, every other slice is recorded INTERRUPTED, exit 130', async () => {
    const { home, db } = freshHome();
    const cli = captureIo(w.env({ CROSSBAR_HOME: home }), w.dir);
    w.sb.faults.set({ latencyMs: 300 });
    try {
      const running = main(['inventory', 'sync', '-o', 'json'], cli.io);
      await waitFor(
        () =>
          existsSync(db) && readDb<{ n: number }>(db, "SELECT count(*) AS n FROM sync_status WHERE status = 'ok'")[0]?.n
            ? true
            : undefined,
        20_000,
      );
      cli.interrupt();
      expect(await running).toBe(130);
    } finally {
      w.sb.faults.set({});
    }
    const report = JSON.parse(cli.stdout) as SyncJson & { interrupted: boolean };
    expect(report.interrupted).toBe(true);
    expect(report.summary.total).toBe(68);
    expect(report.summary.ok).toBeGreaterThan(0);
    expect(report.summary.byCode).toEqual({ INTERRUPTED: report.summary.failed });
    expect(report.summary.failed).toBeGreaterThan(0);
    const status = readDb<{ status: string; error_code: string | null; n: number }>(
      db,
      'SELECT status, error_code, count(*) AS n FROM sync_status GROUP BY 1, 2 ORDER BY 1',
    );
    expect(status).toEqual([
      { status: 'failed', error_code: 'INTERRUPTED', n: report.summary.failed },
      { status: 'ok', error_code: null, n: report.summary.ok },
    ]);
    expect(cli.stderr).toContain('interrupted: unfinished slices are recorded INTERRUPTED and keep their rows');
  });

  it('an unknown type is a usage error with a suggestion, before any call and without a database', async () => {
    const { home, db } = freshHome();
    const out = await w.cli(['inventory', 'sync', '--types', 'ec2_instance,lambda'], { CROSSBAR_HOME: home });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    const [first, hint] = out.stderr.split('\n');
    expect(first).toBe("crossbar: Unknown resource type 'ec2_instance'");
    expect(hint).toMatch(/^hint: Did you mean 'ec2_instances'\? Types: ec2_instances, ec2_vpcs, /);
    expect(existsSync(db)).toBe(false);
  });

  it('--db FILE, and a table on a terminal: the coverage grid and the summary', async () => {
    const { home } = freshHome();
    const file = join(w.dir, 'elsewhere', 'inv.db');
    const out = await w.cli(
      ['inventory', 'sync', 'production', '--types', 'ec2_instances', '--db', file, '-o', 'table'],
      { CROSSBAR_HOME: home, NO_COLOR: '1' },
    );
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n').slice(0, 3)).toEqual([
      'coverage',
      'ACCOUNT     eu-west-1  us-east-1',
      'production  ✓          ✓',
    ]);
    expect(out.stderr).toContain(`→ ${file}`);
    expect(readDb(file, 'SELECT count(*) AS n FROM ec2_instances')).toEqual([{ n: 5 }]);
    expect(existsSync(join(home, 'inventory.db'))).toBe(false);
  });
});
