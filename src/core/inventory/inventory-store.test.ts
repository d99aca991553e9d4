import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InventoryStore, WHOLE_ACCOUNT_REGION, type SliceKey, type SliceRow } from './inventory-store.js';
import { ec2Instances } from './types/ec2.js';
import { s3Buckets } from './types/s3-iam.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'crossbar-store-'));
  path = join(dir, 'nested', 'inventory.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const key = (region: string, accountId = '222222222222', type = ec2Instances): SliceKey => ({
  type,
  accountId,
  accountName: `acct-${accountId}`,
  stage: 'dev',
  region,
});

function row(id: string, region = 'us-east-1'): SliceRow {
  return {
    region,
    arn: `arn:aws:ec2:${region}:222222222222:instance/${id}`,
    name: id,
    tags: '{}',
    raw: JSON.stringify({ InstanceId: id }),
    columns: ec2Instances.columns.map((c) => (c.name === 'instance_id' ? id : null)),
  };
}

function read<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

describe('InventoryStore', () => {
  it('creates the database, its directory, every table, the resources view and WAL mode', () => {
    InventoryStore.open(path).close();
    const names = read<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name",
    ).map((r) => r.name);
    expect(names).toEqual([
      'dynamodb_tables',
      'ec2_instances',
      'ec2_security_groups',
      'ec2_volumes',
      'ec2_vpcs',
      'iam_roles',
      'iam_users',
      'lambda_functions',
      'rds_instances',
      'resources',
      's3_buckets',
      'sync_runs',
      'sync_status',
    ]);
    expect(read<{ journal_mode: string }>('PRAGMA journal_mode')[0]?.journal_mode).toBe('wal');
  });

  it('replaces exactly one (account, region) slice and marks it ok', () => {
    const store = InventoryStore.open(path);
    store.replaceSlice(key('us-east-1'), [row('i-1'), row('i-2')], '2026-01-01T00:00:00.000Z');
    store.replaceSlice(key('eu-west-1'), [row('i-3', 'eu-west-1')], '2026-01-01T00:00:00.000Z');
    store.replaceSlice(key('us-east-1', '333333333333'), [row('i-9')], '2026-01-01T00:00:00.000Z');
    store.replaceSlice(key('us-east-1'), [row('i-4')], '2026-01-02T00:00:00.000Z');
    store.close();
    expect(
      read<{ instance_id: string; account_id: string; region: string; synced_at: string }>(
        'SELECT instance_id, account_id, region, synced_at FROM ec2_instances ORDER BY instance_id',
      ),
    ).toEqual([
      { instance_id: 'i-3', account_id: '222222222222', region: 'eu-west-1', synced_at: '2026-01-01T00:00:00.000Z' },
      { instance_id: 'i-4', account_id: '222222222222', region: 'us-east-1', synced_at: '2026-01-02T00:00:00.000Z' },
      { instance_id: 'i-9', account_id: '333333333333', region: 'us-east-1', synced_at: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(
      read(
        'SELECT status, item_count, last_ok_at FROM sync_status WHERE account_id = ? AND region = ?',
        '222222222222',
        'us-east-1',
      ),
    ).toEqual([{ status: 'ok', item_count: 1, last_ok_at: '2026-01-02T00:00:00.000Z' }]);
  });

  it('a failure keeps the rows, the item count and the last good time; success clears the error', () => {
    const store = InventoryStore.open(path);
    store.replaceSlice(key('us-east-1'), [row('i-1'), row('i-2')], '2026-01-01T00:00:00.000Z');
    store.recordFailure(
      key('us-east-1'),
      { code: 'THROTTLED', message: 'Rate exceeded', awsCode: 'RequestLimitExceeded' },
      '2026-01-02T00:00:00.000Z',
    );
    expect(read('SELECT count(*) AS n FROM ec2_instances')).toEqual([{ n: 2 }]);
    expect(
      read(
        'SELECT status, error_code, error_message, aws_error_code, item_count, synced_at, last_ok_at FROM sync_status',
      ),
    ).toEqual([
      {
        status: 'failed',
        error_code: 'THROTTLED',
        error_message: 'Rate exceeded',
        aws_error_code: 'RequestLimitExceeded',
        item_count: 2,
        synced_at: '2026-01-02T00:00:00.000Z',
        last_ok_at: '2026-01-01T00:00:00.000Z',
      },
    ]);
    store.replaceSlice(key('us-east-1'), [], '2026-01-03T00:00:00.000Z');
    store.close();
    expect(read('SELECT count(*) AS n FROM ec2_instances')).toEqual([{ n: 0 }]);
    expect(read('SELECT status, error_code, item_count, last_ok_at FROM sync_status')).toEqual([
      { status: 'ok', error_code: null, item_count: 0, last_ok_at: '2026-01-03T00:00:00.000Z' },
    ]);
  });

  it('a first failure is recorded with no last good time', () => {
    const store = InventoryStore.open(path);
    store.recordFailure(key('us-east-1'), { code: 'DENIED', message: 'no' }, '2026-01-02T00:00:00.000Z');
    store.close();
    expect(read('SELECT status, item_count, last_ok_at, aws_error_code FROM sync_status')).toEqual([
      { status: 'failed', item_count: 0, last_ok_at: null, aws_error_code: null },
    ]);
  });

  it('a global slice is the whole account, whatever region its rows are in', () => {
    const store = InventoryStore.open(path);
    const bucket = (name: string, region: string): SliceRow => ({
      region,
      arn: `arn:aws:s3:::${name}`,
      name,
      tags: '{}',
      raw: '{}',
      columns: [null],
    });
    store.replaceSlice(
      key('global', '222222222222', s3Buckets),
      [bucket('a', 'us-east-1'), bucket('b', 'eu-west-1')],
      '2026-01-01T00:00:00.000Z',
    );
    store.replaceSlice(
      key('global', '222222222222', s3Buckets),
      [bucket('c', 'eu-west-1')],
      '2026-01-02T00:00:00.000Z',
    );
    store.close();
    expect(read('SELECT name, region FROM s3_buckets')).toEqual([{ name: 'c', region: 'eu-west-1' }]);
  });

  it('a whole-account failure (`*`) gives way to the first real slice of that account and type', () => {
    const store = InventoryStore.open(path);
    store.recordFailure(key(WHOLE_ACCOUNT_REGION), { code: 'DENIED', message: 'no' }, '2026-01-01T00:00:00.000Z');
    store.replaceSlice(key('us-east-1'), [row('i-1')], '2026-01-02T00:00:00.000Z');
    store.close();
    expect(read('SELECT region, status FROM sync_status')).toEqual([{ region: 'us-east-1', status: 'ok' }]);
  });

  it('adds the columns a newer crossbar declares to an older database', () => {
    const db = new Database(join(dir, 'old.db'));
    db.exec(
      'CREATE TABLE ec2_instances (account_id TEXT NOT NULL, account_name TEXT NOT NULL, stage TEXT, region TEXT NOT NULL, arn TEXT NOT NULL, name TEXT, tags TEXT NOT NULL, raw TEXT NOT NULL, synced_at TEXT NOT NULL, instance_id TEXT)',
    );
    db.close();
    path = join(dir, 'old.db');
    InventoryStore.open(path).close();
    const columns = read<{ name: string }>('PRAGMA table_info(ec2_instances)').map((c) => c.name);
    expect(columns).toEqual(expect.arrayContaining(['instance_id', 'state', 'instance_type', 'launch_time']));
  });

  it('a file that is not a database is an error naming it', () => {
    const bad = join(dir, 'bad.db');
    writeFileSync(bad, 'not sqlite at all, just some text that is long enough to be read as a header');
    expect(() => InventoryStore.open(bad)).toThrow(`Cannot open the inventory at ${bad}`);
  });
});
