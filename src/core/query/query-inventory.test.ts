import { isUsageError } from '../errors.js';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore } from '../inventory/inventory-store.js';
import { ec2Instances } from '../inventory/types/ec2.js';
import { leadingKeyword, queryInventory } from './query-inventory.js';

let dir: string;
let path: string;
/** Where VACUUM INTO would write, were it not refused. */
const COPY = join(tmpdir(), `crossbar-vacuum-into-${process.pid}.db`);
const digest = () => createHash('sha256').update(readFileSync(path)).digest('hex');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossbar-query-'));
  path = join(dir, 'inventory.db');
  const store = InventoryStore.open(path);
  const key = {
    type: ec2Instances,
    accountId: '222222222222',
    accountName: 'development',
    stage: 'dev',
    region: 'us-east-1',
  };
  const columns = ec2Instances.columns.map((c) =>
    c.name === 'instance_id' ? 'i-1' : c.name === 'state' ? 'running' : null,
  );
  store.replaceSlice(
    key,
    [
      {
        region: 'us-east-1',
        arn: 'arn:aws:ec2:us-east-1:222222222222:instance/i-1',
        name: 'web',
        tags: '{"team":"pay"}',
        raw: '{}',
        columns,
      },
    ],
    '2026-01-01T00:00:00.000Z',
  );
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(sql: string): { message: string; hint: string | undefined; exitCode: number } {
  // The exit status the CLI gives this error (2 for usage errors), from the code, as report-error.ts maps it.
  try {
    queryInventory(path, sql);
  } catch (err) {
    const e = err as { message: string; hint?: string };
    return { message: e.message, hint: e.hint, exitCode: isUsageError(err) ? 2 : 1 };
  }
  throw new Error(`expected ${sql} to be refused`);
}

describe('queryInventory', () => {
  it('runs SELECT, WITH, JSON functions and read-only PRAGMA', () => {
    expect(queryInventory(path, "SELECT name, state, json_extract(tags, '$.team') AS team FROM ec2_instances")).toEqual(
      { columns: ['name', 'state', 'team'], rows: [['web', 'running', 'pay']] },
    );
    expect(queryInventory(path, 'WITH n AS (SELECT count(*) AS c FROM resources) SELECT c FROM n').rows).toEqual([[1]]);
    expect(queryInventory(path, 'PRAGMA table_info(sync_status)').rows.map((r) => r[1])).toContain('last_ok_at');
  });

  it('keeps repeated column names apart', () => {
    expect(queryInventory(path, 'SELECT name, name FROM ec2_instances').columns).toEqual(['name', 'name:2']);
  });

  it.each([
    ['INSERT INTO ec2_instances (account_id) VALUES (1)', 'INSERT'],
    ["UPDATE ec2_instances SET name = 'x'", 'UPDATE'],
    ['DELETE FROM ec2_instances', 'DELETE'],
    ['DROP TABLE ec2_instances', 'DROP'],
    ['CREATE TABLE x (a)', 'CREATE'],
    ['CREATE TEMP TABLE x (a)', 'CREATE'],
    ["ATTACH DATABASE 'other.db' AS other", 'ATTACH'],
    ['DETACH DATABASE main', 'DETACH'],
    ['PRAGMA user_version = 7', 'PRAGMA'],
    ['PRAGMA journal_mode = DELETE', 'PRAGMA'],
    ['PRAGMA query_only = 0', 'PRAGMA'],
    ['VACUUM', 'VACUUM'],
    [`VACUUM INTO '${COPY}'`, 'VACUUM'],
    ['REPLACE INTO ec2_instances (account_id) VALUES (1)', 'REPLACE'],
    ['/* sneaky */ -- comment\n  insert into ec2_instances (account_id) values (2)', 'INSERT'],
    ['WITH x AS (SELECT 1) DELETE FROM ec2_instances', 'DELETE'],
    ['BEGIN', 'BEGIN'],
    ['ANALYZE', 'ANALYZE'],
    // SQLite refuses these when preparing them (a view, a missing table): still writes, refused as such
    ['DELETE FROM resources', 'DELETE'],
    ["INSERT INTO resources (type) VALUES ('x')", 'INSERT'],
    ['UPDATE no_such_table SET a = 1', 'UPDATE'],
  ])('refuses %s, and the database is unchanged', (sql, keyword) => {
    const before = digest();
    const f = failure(sql);
    expect(f).toMatchObject({ message: `query is read-only: ${keyword} statements are refused`, exitCode: 2 });
    expect(f.hint).toContain('crossbar inventory sync');
    expect(digest()).toBe(before);
    expect(existsSync(COPY)).toBe(false);
    expect(queryInventory(path, 'SELECT count(*) FROM ec2_instances').rows).toEqual([[1]]);
  });

  it('an unknown table lists the tables there are, with the closest one', () => {
    const f = failure('SELECT * FROM ec2_instance');
    expect(f.message).toBe(
      'no such table: ec2_instance; the inventory has dynamodb_tables, ec2_instances, ec2_security_groups, ec2_volumes, ec2_vpcs, iam_roles, iam_users, lambda_functions, rds_instances, resources, s3_buckets, sync_runs, sync_status',
    );
    expect(f.hint).toBe("Did you mean 'ec2_instances'?");
  });

  it("a syntax error is one line with SQLite's message; so is an unknown column", () => {
    expect(failure('SELEC * FROM ec2_instances')).toEqual({
      message: 'SQL error: near "SELEC": syntax error',
      hint: undefined,
      exitCode: 2,
    });
    expect(failure('SELECT nope FROM ec2_instances').message).toBe('SQL error: no such column: nope');
    expect(failure('SELECT 1; SELECT 2').message).toBe('query runs one statement at a time');
    expect(failure('  ').message).toBe('query needs an SQL statement');
  });

  it('no inventory yet says how to make one', () => {
    const missing = join(dir, 'none.db');
    expect(() => queryInventory(missing, 'SELECT 1')).toThrow(
      `no inventory at ${missing}: run \`crossbar inventory sync\` first`,
    );
    expect(existsSync(missing)).toBe(false);
  });

  it('leadingKeyword skips blanks and comments', () => {
    expect(leadingKeyword('  -- x\n/* y */ select 1')).toBe('SELECT');
    expect(leadingKeyword('(')).toBe('THIS');
  });
});
