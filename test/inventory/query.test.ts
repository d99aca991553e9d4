import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION } from '../helpers/sandbox-clients.js';
import { startWorld, type World } from '../helpers/world.js';
import { readDb } from './expected.js';

/** `crossbar query` end to end, over an inventory the real `inventory sync` wrote from the sandbox. */
let w: World;
let home: string;
let db: string;

beforeAll(async () => {
  w = await startWorld();
  home = join(w.dir, 'query-home');
  db = join(home, 'inventory.db');
  const synced = await w.cli(['inventory', 'sync', '--types', 'ec2_instances,s3_buckets,iam_roles'], {
    CROSSBAR_HOME: home,
  });
  if (synced.code !== 0) throw new Error(`sync failed: ${synced.stderr}`);
});
afterAll(() => w.stop());

const query = (args: string[], extra: Record<string, string> = {}) =>
  w.cli(['query', ...args], { CROSSBAR_HOME: home, NO_COLOR: '1', ...extra });
const digest = () => createHash('sha256').update(readFileSync(db)).digest('hex');

describe('crossbar query', () => {
  const sql =
    "SELECT account_name, region, count(*) AS instances FROM ec2_instances WHERE stage = 'prod' GROUP BY 1, 2 ORDER BY 2";

  it('SELECT as JSON (the default when piped)', async () => {
    const out = await query([sql]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(out.stdout)).toEqual([
      { account_name: 'production', region: 'eu-west-1', instances: 2 },
      { account_name: 'production', region: 'us-east-1', instances: 3 },
    ]);
  });

  it('SELECT as a table and as CSV', async () => {
    const table = await query([sql, '-o', 'table']);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(
      'account_name  region     instances\nproduction    eu-west-1          2\nproduction    us-east-1          3\n',
    );
    expect(table.stderr).toBe('2 rows\n');
    const csv = await query([sql, '--output', 'csv']);
    expect(csv.stdout).toBe('account_name,region,instances\nproduction,eu-west-1,2\nproduction,us-east-1,3\n');
  });

  it('JSON functions over tags, the resources view and sync_status', async () => {
    const out = await query([
      `SELECT name, json_extract(tags, '$.stage') AS stage_tag FROM s3_buckets WHERE account_id = '${PRODUCTION}' ORDER BY name`,
    ]);
    const rows = JSON.parse(out.stdout) as { name: string }[];
    expect(rows.map((r) => r.name)).toEqual(w.sb.world.accounts[PRODUCTION]?.buckets.map((b) => b.name).sort());
    const status = await query(['SELECT status, count(*) AS n FROM sync_status GROUP BY status']);
    expect(JSON.parse(status.stdout)).toEqual([{ status: 'ok', n: 4 * 2 + 4 * 2 }]);
  });

  it.each([
    ["INSERT INTO ec2_instances (account_id) VALUES ('x')", 'INSERT'],
    ["UPDATE ec2_instances SET name = 'pwned'", 'UPDATE'],
    ['DELETE FROM sync_status', 'DELETE'],
    ['DROP TABLE ec2_instances', 'DROP'],
    ['CREATE TABLE notes (a TEXT)', 'CREATE'],
    ["ATTACH DATABASE '/tmp/crossbar-attach.db' AS other", 'ATTACH'],
    ['DETACH DATABASE main', 'DETACH'],
    ['PRAGMA user_version = 9', 'PRAGMA'],
    ['VACUUM', 'VACUUM'],
    ["REPLACE INTO s3_buckets (account_id) VALUES ('x')", 'REPLACE'],
  ])('refuses %s: exit 2, a clear message, the database unchanged', async (statement, keyword) => {
    const before = digest();
    const rows = readDb(db, 'SELECT count(*) AS n FROM ec2_instances');
    const out = await query([statement]);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.split('\n')[0]).toBe(`crossbar: query is read-only: ${keyword} statements are refused`);
    expect(out.stderr).toContain('hint: The inventory is written only by `crossbar inventory sync`');
    expect(digest()).toBe(before);
    expect(readDb(db, 'SELECT count(*) AS n FROM ec2_instances')).toEqual(rows);
    expect(existsSync('/tmp/crossbar-attach.db')).toBe(false);
  });

  it('an unknown table: the message lists the tables there are', async () => {
    const out = await query(['SELECT * FROM lambda']);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "crossbar: no such table: lambda; the inventory has dynamodb_tables, ec2_instances, ec2_security_groups, ec2_volumes, ec2_vpcs, iam_roles, iam_users, lambda_functions, rds_instances, resources, s3_buckets, sync_runs, sync_status\nhint: Did you mean 'lambda_functions'?\n",
    );
  });

  it("a syntax error is one line with SQLite's message, exit 2", async () => {
    const out = await query(['SELEC name FROM ec2_instances']);
    expect(out).toEqual({ code: 2, stdout: '', stderr: 'crossbar: SQL error: near "SELEC": syntax error\n' });
  });

  it('no inventory yet: says where it looked and what to run', async () => {
    const empty = join(w.dir, 'empty-home');
    const out = await query(['SELECT 1'], { CROSSBAR_HOME: empty });
    expect(out).toEqual({
      code: 2,
      stdout: '',
      stderr: `crossbar: no inventory at ${join(empty, 'inventory.db')}: run \`crossbar inventory sync\` first\n`,
    });
    expect(existsSync(join(empty, 'inventory.db'))).toBe(false);
  });

  it('--db FILE reads another inventory', async () => {
    const out = await query(['SELECT count(*) AS n FROM iam_roles', '--db', db], {
      CROSSBAR_HOME: join(w.dir, 'other-home'),
    });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([
      {
        n: Object.values(w.sb.world.accounts)
          .filter((a) => a.id !== '111111111111')
          .reduce((n, a) => n + Object.keys(a.iam.roles).length, 0),
      },
    ]);
  });
});
