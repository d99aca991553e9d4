import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CrossbarError } from '../errors.js';
import type { ResourceType, SqlValue } from './resource-type.js';
import { RESOURCE_TYPES } from './resource-types.js';
import {
  createIndexSql,
  createTableSql,
  deleteSliceSql,
  FINISH_RUN_SQL,
  INSERT_RUN_SQL,
  insertSql,
  quoteIdentifier,
  resourcesViewSql,
  SYNC_RUNS_SQL,
  SYNC_STATUS_SQL,
  UPSERT_FAILED_SQL,
  UPSERT_OK_SQL,
} from './schema.js';

/**
 * The inventory database: SQLite through better-sqlite3, in WAL mode so that `crossbar query` (and the
 * server) read while a sync writes. It owns the connection, so it is a class. Every slice is written in one
 * transaction: its old rows deleted, its new rows inserted, its `sync_status` row set, all or nothing.
 */

/** One (account, region, type) slice. `region` is the slice's: `global` for a global type. */
export interface SliceKey {
  type: ResourceType;
  accountId: string;
  accountName: string;
  stage: string | undefined;
  region: string;
}

/** A row ready for its table: common columns, then the type's own columns in declaration order. */
export interface SliceRow {
  region: string;
  arn: string;
  name: string | null;
  /** JSON text. */
  tags: string;
  /** JSON text. */
  raw: string;
  columns: SqlValue[];
}

export interface SliceFailure {
  code: string;
  message: string;
  awsCode?: string | undefined;
}

/** The region of a slice whose account's regions were never read (`--regions all` refused at the account). */
export const WHOLE_ACCOUNT_REGION = '*';

/** What `sync_runs` records when a sync starts. */
export interface RunStart {
  startedAt: string;
  pid: number;
  host: string;
  accounts: number;
  types: readonly string[];
}

export type RunOutcome = 'finished' | 'interrupted' | 'failed';

/** What `sync_runs` records when a sync ends. */
export interface RunEnd {
  finishedAt: string;
  outcome: RunOutcome;
  slices: number;
  ok: number;
  failed: number;
  resources: number;
  error?: string | undefined;
}

interface TypeStatements {
  remove: Database.Statement;
  insert: Database.Statement;
}

export class InventoryStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #byType = new Map<string, TypeStatements>();
  readonly #upsertOk: Database.Statement;
  readonly #upsertFailed: Database.Statement;
  readonly #forgetWholeAccount: Database.Statement;

  private constructor(path: string, db: Database.Database) {
    this.path = path;
    this.#db = db;
    this.#upsertOk = db.prepare(UPSERT_OK_SQL);
    this.#upsertFailed = db.prepare(UPSERT_FAILED_SQL);
    this.#forgetWholeAccount = db.prepare(
      `DELETE FROM sync_status WHERE account_id = ? AND type = ? AND region = '${WHOLE_ACCOUNT_REGION}'`,
    );
  }

  /** Opens (creating it and its directory if need be) the inventory at `path`, with every table in place. */
  static open(path: string): InventoryStore {
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      createPrivately(path);
      db = new Database(path);
      // SQLite-only tuning: readers never block the writer; NORMAL is durable across crashes in WAL mode.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      // Deleted rows (a slice replaced) are overwritten, not left readable in free pages of the file.
      db.pragma('secure_delete = ON');
      migrate(db, RESOURCE_TYPES);
      return new InventoryStore(path, db);
    } catch (err) {
      db?.close();
      throw new CrossbarError(
        'ERROR',
        `Cannot open the inventory at ${path}: ${err instanceof Error ? err.message : String(err)}`,
        {
          hint: 'Check that the path is writable and is a crossbar inventory (an SQLite file), or pass another --db FILE',
          cause: err,
        },
      );
    }
  }

  #statements(type: ResourceType): TypeStatements {
    let s = this.#byType.get(type.name);
    if (!s) {
      s = { remove: this.#db.prepare(deleteSliceSql(type)), insert: this.#db.prepare(insertSql(type)) };
      this.#byType.set(type.name, s);
    }
    return s;
  }

  /** Replaces the slice's rows with `rows` and marks it ok, in one transaction. */
  replaceSlice(key: SliceKey, rows: readonly SliceRow[], syncedAt: string): void {
    const s = this.#statements(key.type);
    const tx = this.#db.transaction(() => {
      if (key.type.scope === 'global') s.remove.run(key.accountId);
      else s.remove.run(key.accountId, key.region);
      for (const row of rows) {
        s.insert.run(
          key.accountId,
          key.accountName,
          key.stage ?? null,
          row.region,
          row.arn,
          row.name,
          row.tags,
          row.raw,
          syncedAt,
          ...row.columns,
        );
      }
      this.#upsertOk.run(
        key.accountId,
        key.accountName,
        key.stage ?? null,
        key.region,
        key.type.name,
        rows.length,
        syncedAt,
        syncedAt,
      );
      if (key.region !== WHOLE_ACCOUNT_REGION) this.#forgetWholeAccount.run(key.accountId, key.type.name);
    });
    tx();
  }

  /** Marks the slice failed; its rows stay as the last good sync left them. */
  recordFailure(key: SliceKey, failure: SliceFailure, syncedAt: string): void {
    const tx = this.#db.transaction(() => {
      this.#upsertFailed.run(
        key.accountId,
        key.accountName,
        key.stage ?? null,
        key.region,
        key.type.name,
        failure.code,
        failure.message,
        failure.awsCode ?? null,
        syncedAt,
      );
      if (key.region !== WHOLE_ACCOUNT_REGION) this.#forgetWholeAccount.run(key.accountId, key.type.name);
    });
    tx();
  }

  /** Records that a sync started; its id completes the record with `finishRun`. */
  beginRun(run: RunStart): number {
    const result = this.#db
      .prepare(INSERT_RUN_SQL)
      .run(run.startedAt, run.pid, run.host, run.accounts, run.types.join(','));
    return Number(result.lastInsertRowid);
  }

  finishRun(id: number, end: RunEnd): void {
    this.#db
      .prepare(FINISH_RUN_SQL)
      .run(end.finishedAt, end.outcome, end.slices, end.ok, end.failed, end.resources, end.error ?? null, id);
  }

  /**
   * Deletes every row (resources and `sync_status`) of the accounts not in `keep`, in one transaction; returns how
   * many resources went. The team server keeps a workspace's inventory to the workspace's accounts with it when an
   * account has left the workspace (`secure_delete` overwrites them in the file).
   */
  forgetAccountsExcept(keep: readonly string[]): number {
    const ids = JSON.stringify(keep);
    const outside = 'account_id NOT IN (SELECT value FROM json_each(?))';
    const tx = this.#db.transaction(() => {
      let removed = 0;
      for (const type of RESOURCE_TYPES)
        removed += this.#db.prepare(`DELETE FROM ${quoteIdentifier(type.name)} WHERE ${outside}`).run(ids).changes;
      this.#db.prepare(`DELETE FROM sync_status WHERE ${outside}`).run(ids);
      return removed;
    });
    return tx();
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * The inventory holds what an organization runs and where: private to its owner, like the credential cache.
 * The file is created 0600 before SQLite opens it, and SQLite gives its -wal and -shm files the database's mode;
 * an inventory made looser by an older crossbar (0644) is tightened, its -wal and -shm included.
 */
function createPrivately(path: string): void {
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // -wal and -shm exist only while a connection has the database open
    }
  }
}

/** Creates what is missing: tables, indexes, columns a newer crossbar added to a type, and the view. */
function migrate(db: Database.Database, types: readonly ResourceType[]): void {
  db.transaction(() => {
    db.exec(SYNC_STATUS_SQL);
    db.exec(SYNC_RUNS_SQL);
    for (const type of types) {
      db.exec(createTableSql(type));
      for (const sql of createIndexSql(type)) db.exec(sql);
      // PRAGMA table_info is SQLite's; PostgreSQL would read information_schema.columns.
      const existing = new Set(
        db
          .prepare(`PRAGMA table_info(${quoteIdentifier(type.name)})`)
          .all()
          .map((c) => (typeof c === 'object' && c !== null && 'name' in c ? String(c.name) : '')),
      );
      for (const column of type.columns) {
        if (!existing.has(column.name))
          db.exec(
            `ALTER TABLE ${quoteIdentifier(type.name)} ADD COLUMN ${quoteIdentifier(column.name)} ${column.type}`,
          );
      }
    }
    for (const sql of resourcesViewSql(RESOURCE_TYPES)) db.exec(sql);
  })();
}
