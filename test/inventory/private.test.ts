import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../helpers/world.js';

/*
 * Issue 9 item 8: Lambda environment variables (secrets on real AWS) are stored by key only unless
 * `--include-env-values` asks for the values, and the inventory database and its -wal/-shm files are 0600.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

const SYNC = ['inventory', 'sync', 'development,production', '--types', 'lambda_functions', '--regions', 'us-east-1'];

interface LambdaRow {
  name: string;
  env_keys: string | null;
  raw: string;
}

function lambdaRows(db: string): LambdaRow[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare('SELECT name, env_keys, raw FROM lambda_functions ORDER BY account_name, name')
      .all() as LambdaRow[];
  } finally {
    conn.close();
  }
}

const variables = (row: LambdaRow) =>
  (JSON.parse(row.raw) as { Environment?: { Variables?: Record<string, string | null> } }).Environment?.Variables;

/** Everything SQLite may have put on disk: the database and, while one is open, its write-ahead log. */
function bytesOnDisk(db: string): string {
  return [db, `${db}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('Lambda environment variables in the inventory', () => {
  it('are stored by key only by default: values null in raw, keys in env_keys, values nowhere in the file', async () => {
    const home = join(w.dir, 'keys-only');
    const run = await w.cli(SYNC, { CROSSBAR_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('environment variable values');
    const db = join(home, 'inventory.db');
    const rows = lambdaRows(db);
    const orders = rows.find((r) => r.name === 'orders-api');
    expect(orders).toBeDefined();
    expect(JSON.parse(orders?.env_keys ?? 'null')).toEqual(['STAGE', 'TABLE_NAME']);
    for (const row of rows) {
      const vars = variables(row) ?? {};
      expect(Object.keys(vars)).toContain('STAGE');
      expect(Object.values(vars).every((v) => v === null)).toBe(true);
    }
    expect(bytesOnDisk(db)).not.toContain('"TABLE_NAME":"orders"');
    expect(bytesOnDisk(db)).not.toMatch(/"STAGE":"(dev|prod)"/);
  });

  it('twin: with --include-env-values the values are stored, and the run says so', async () => {
    const home = join(w.dir, 'with-values');
    const run = await w.cli([...SYNC, '--include-env-values'], { CROSSBAR_HOME: home });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Lambda environment variable values (often secrets) are stored in');
    const rows = lambdaRows(join(home, 'inventory.db'));
    const orders = rows.find((r) => r.name === 'orders-api');
    expect(orders && variables(orders)).toMatchObject({ TABLE_NAME: 'orders' });
    expect(orders?.env_keys).toBe('["STAGE","TABLE_NAME"]');
  });

  it('a sync without the flag after one with it replaces the values by keys', async () => {
    const home = join(w.dir, 'with-values');
    expect((await w.cli(SYNC, { CROSSBAR_HOME: home })).code).toBe(0);
    for (const row of lambdaRows(join(home, 'inventory.db')))
      expect(Object.values(variables(row) ?? {}).every((v) => v === null)).toBe(true);
    expect(bytesOnDisk(join(home, 'inventory.db'))).not.toContain('"TABLE_NAME":"orders"');
  });
});

describe('the inventory database is private', () => {
  it('inventory.db and its -wal and -shm files are created 0600', async () => {
    const home = join(w.dir, 'modes');
    const { InventoryStore } = await import('../../src/core/inventory/index.js');
    const db = join(home, 'inventory.db');
    const store = InventoryStore.open(db);
    try {
      // While a connection is open the write-ahead log and shared memory exist beside the database.
      for (const file of [db, `${db}-wal`, `${db}-shm`]) expect([file, mode(file)]).toEqual([file, 0o600]);
    } finally {
      store.close();
    }
    expect((await w.cli(SYNC, { CROSSBAR_HOME: home })).code).toBe(0);
    expect(mode(db)).toBe(0o600);
  });

  it('an inventory left 0644 by an older crossbar is tightened on the next open', async () => {
    const home = join(w.dir, 'loose');
    expect((await w.cli(SYNC, { CROSSBAR_HOME: home })).code).toBe(0);
    const db = join(home, 'inventory.db');
    chmodSync(db, 0o644);
    expect(mode(db)).toBe(0o644);
    expect((await w.cli(SYNC, { CROSSBAR_HOME: home })).code).toBe(0);
    expect(mode(db)).toBe(0o600);
  });

  it('a --db path of the user’s choosing is created 0600 too', async () => {
    const path = join(w.dir, 'elsewhere', 'team.db');
    expect((await w.cli([...SYNC, '--db', path], { CROSSBAR_HOME: join(w.dir, 'h2') })).code).toBe(0);
    expect(mode(path)).toBe(0o600);
  });
});
