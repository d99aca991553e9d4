import type { ResourceType } from './resource-type.js';

/**
 * The inventory's tables, as plain SQL that SQLite and PostgreSQL both take: `CREATE TABLE IF NOT EXISTS`,
 * `TEXT` / `INTEGER` / `REAL`, JSON kept as TEXT (PostgreSQL would make it `jsonb`), booleans as INTEGER 0/1,
 * timestamps as ISO 8601 TEXT. The SQLite-only parts (WAL, `PRAGMA table_info`) live in inventory-store.ts.
 */

/** The columns every resource table starts with. */
export const COMMON_COLUMNS = [
  'account_id',
  'account_name',
  'stage',
  'region',
  'arn',
  'name',
  'tags',
  'raw',
  'synced_at',
] as const;

/** Quoted so that a column named like a keyword (`timeout`, `role`) is always an identifier. */
export function quoteIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain identifier: ${name}`);
  return `"${name}"`;
}

export function createTableSql(type: ResourceType): string {
  const columns = [
    'account_id TEXT NOT NULL',
    'account_name TEXT NOT NULL',
    'stage TEXT',
    'region TEXT NOT NULL',
    'arn TEXT NOT NULL',
    'name TEXT',
    'tags TEXT NOT NULL',
    'raw TEXT NOT NULL',
    'synced_at TEXT NOT NULL',
    ...type.columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`),
  ];
  return `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(type.name)} (\n  ${columns.join(',\n  ')}\n)`;
}

/** Slices are replaced by account and region: the index a delete of one slice uses. */
export function createIndexSql(type: ResourceType): string[] {
  const table = quoteIdentifier(type.name);
  return [
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${type.name}_slice`)} ON ${table} (account_id, region)`,
    `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${type.name}_arn`)} ON ${table} (arn)`,
  ];
}

/**
 * The coverage grid of the inventory: one row per (account, region, type) slice ever synced. A failed
 * slice keeps `item_count` and `last_ok_at` of its last good sync, since its rows are kept too.
 */
export const SYNC_STATUS_SQL = `CREATE TABLE IF NOT EXISTS sync_status (
  account_id TEXT NOT NULL,
  account_name TEXT NOT NULL,
  stage TEXT,
  region TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  error_code TEXT,
  error_message TEXT,
  aws_error_code TEXT,
  item_count INTEGER NOT NULL,
  synced_at TEXT NOT NULL,
  last_ok_at TEXT,
  PRIMARY KEY (account_id, region, type)
)`;

/**
 * One row per `inventory sync`: written when it starts (who, where, what), completed when it ends. A row that
 * was never completed and whose process is gone is a sync that was killed (SIGKILL, OOM, a closed laptop).
 * `outcome` is `finished` (every slice has an outcome, failed ones included), `interrupted` (Ctrl-C, SIGTERM) or
 * `failed` (crossbar itself failed halfway); NULL while the sync runs, and forever when it was killed.
 */
export const SYNC_RUNS_SQL = `CREATE TABLE IF NOT EXISTS sync_runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  outcome TEXT,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  accounts INTEGER NOT NULL,
  types TEXT NOT NULL,
  slices INTEGER,
  ok INTEGER,
  failed INTEGER,
  resources INTEGER,
  error TEXT
)`;

export const INSERT_RUN_SQL = `INSERT INTO sync_runs (started_at, pid, host, accounts, types) VALUES (?, ?, ?, ?, ?)`;

export const FINISH_RUN_SQL = `UPDATE sync_runs SET finished_at = ?, outcome = ?, slices = ?, ok = ?, failed = ?, resources = ?, error = ?
WHERE id = ?`;

/** Every resource of every type in one place: `SELECT type, count(*) FROM resources GROUP BY type`. */
export function resourcesViewSql(types: readonly ResourceType[]): string[] {
  const selects = types.map(
    (t) =>
      `SELECT '${t.name}' AS type, account_id, account_name, stage, region, arn, name, tags, synced_at FROM ${quoteIdentifier(t.name)}`,
  );
  // Recreated on every open, so that it always covers the tables this version of crossbar knows.
  return ['DROP VIEW IF EXISTS resources', `CREATE VIEW resources AS\n${selects.join('\nUNION ALL\n')}`];
}

export function insertSql(type: ResourceType): string {
  const names = [...COMMON_COLUMNS, ...type.columns.map((c) => c.name)];
  return `INSERT INTO ${quoteIdentifier(type.name)} (${names.map(quoteIdentifier).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
}

/** A regional slice is one account in one region; a global type's slice is the whole account. */
export function deleteSliceSql(type: ResourceType): string {
  return type.scope === 'global'
    ? `DELETE FROM ${quoteIdentifier(type.name)} WHERE account_id = ?`
    : `DELETE FROM ${quoteIdentifier(type.name)} WHERE account_id = ? AND region = ?`;
}

/** ON CONFLICT … DO UPDATE with `excluded`: the upsert SQLite (3.24+) and PostgreSQL (9.5+) share. */
export const UPSERT_OK_SQL = `INSERT INTO sync_status (account_id, account_name, stage, region, type, status, error_code, error_message, aws_error_code, item_count, synced_at, last_ok_at)
VALUES (?, ?, ?, ?, ?, 'ok', NULL, NULL, NULL, ?, ?, ?)
ON CONFLICT (account_id, region, type) DO UPDATE SET
  account_name = excluded.account_name, stage = excluded.stage, status = 'ok', error_code = NULL, error_message = NULL,
  aws_error_code = NULL, item_count = excluded.item_count, synced_at = excluded.synced_at, last_ok_at = excluded.last_ok_at`;

export const UPSERT_FAILED_SQL = `INSERT INTO sync_status (account_id, account_name, stage, region, type, status, error_code, error_message, aws_error_code, item_count, synced_at, last_ok_at)
VALUES (?, ?, ?, ?, ?, 'failed', ?, ?, ?, 0, ?, NULL)
ON CONFLICT (account_id, region, type) DO UPDATE SET
  account_name = excluded.account_name, stage = excluded.stage, status = 'failed', error_code = excluded.error_code,
  error_message = excluded.error_message, aws_error_code = excluded.aws_error_code, synced_at = excluded.synced_at`;
