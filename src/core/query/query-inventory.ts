import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { didYouMean, nearestNames } from '../aws-clients/suggest.js';
import { CrossbarError } from '../errors.js';

/**
 * `crossbar query "SQL"`: read-only SQL over the inventory. Three locks, each enough on its own for what it
 * covers: the connection is opened read-only (SQLite refuses every write to the file); the statement must be
 * one SQLite calls read-only (`stmt.readonly`: no INSERT, UPDATE, DELETE, DDL, VACUUM, …); and it must return
 * rows (`stmt.reader`), which leaves out ATTACH, DETACH, transactions and PRAGMA assignments — statements
 * SQLite calls read-only although they change what the connection can do.
 */
export type SqlCell = string | number | null;

export interface QueryResult {
  /** Column names as the statement names them; a repeated name gets `:2`, `:3` so that records keep every column. */
  columns: string[];
  rows: SqlCell[][];
}

function usage(message: string, hint?: string): CrossbarError {
  return new CrossbarError('USAGE', message, { ...(hint ? { hint } : {}) });
}

/** The statement's verb, past comments and blanks (and past a WITH clause): what the refusal names. */
export function leadingKeyword(sql: string): string {
  const body = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/, '');
  const first = (/^[A-Za-z]+/.exec(body)?.[0] ?? 'this').toUpperCase();
  if (first !== 'WITH') return first;
  return (/\b(INSERT|UPDATE|DELETE|REPLACE)\b/i.exec(body)?.[1] ?? first).toUpperCase();
}

/** Statements that change the database, named by their first keyword (`leadingKeyword`). */
const WRITE_VERBS = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'CREATE', 'DROP', 'ALTER', 'VACUUM', 'REINDEX']);

function refused(sql: string): CrossbarError {
  return usage(
    `query is read-only: ${leadingKeyword(sql)} statements are refused`,
    'The inventory is written only by `crossbar inventory sync`; query runs statements that return rows (SELECT, WITH, EXPLAIN, read-only PRAGMA)',
  );
}

/** Tables and views a query can read. */
export function inventoryTables(db: Database.Database): string[] {
  const rows = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all();
  return rows.filter((r): r is string => typeof r === 'string');
}

function sqliteMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** SQLite's errors as one line (or, for an unknown table, with the tables there are). */
function explain(err: unknown, db: Database.Database, sql: string): CrossbarError {
  const message = sqliteMessage(err);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  // A write SQLite refuses to prepare (DELETE FROM a view) is still a write: the refusal says so, not SQLite's reason.
  if (code.startsWith('SQLITE_READONLY') || WRITE_VERBS.has(leadingKeyword(sql))) return refused(sql);
  const table = /^no such table: (?:\w+\.)?(.+)$/.exec(message)?.[1];
  if (table !== undefined) {
    const tables = inventoryTables(db);
    return usage(
      `no such table: ${table}; the inventory has ${tables.join(', ')}`,
      didYouMean(nearestNames(table, tables, 2)),
    );
  }
  if (/more than one statement/.test(message))
    return usage('query runs one statement at a time', 'Run each statement with its own `crossbar query`');
  return usage(`SQL error: ${message}`);
}

function uniqueNames(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    return n === 1 ? name : `${name}:${n}`;
  });
}

export function cell(value: unknown): SqlCell {
  if (value === null || typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  return String(value);
}

/** Prepares one statement and checks it reads only; what it would return is not run yet. */
export function prepareReadOnly(db: Database.Database, sql: string): { stmt: Database.Statement; columns: string[] } {
  if (sql.trim() === '')
    throw usage(
      'query needs an SQL statement',
      `e.g. crossbar query "SELECT account_name, region, count(*) FROM ec2_instances GROUP BY 1, 2"`,
    );
  let stmt: Database.Statement;
  try {
    stmt = db.prepare(sql);
  } catch (err) {
    throw explain(err, db, sql);
  }
  if (!stmt.readonly || !stmt.reader) throw refused(sql);
  return { stmt, columns: uniqueNames(stmt.columns().map((c) => c.name)) };
}

/** Opens the inventory read-only (query_only too); no inventory yet is a usage error that says how to make one. */
export function openInventoryReadOnly(path: string): Database.Database {
  if (!existsSync(path)) throw usage(`no inventory at ${path}: run \`crossbar inventory sync\` first`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw usage(
      `Cannot open the inventory at ${path}: ${sqliteMessage(err)}`,
      'Pass the inventory with --db FILE, or run `crossbar inventory sync` to create it',
    );
  }
  db.pragma('query_only = ON');
  return db;
}

/** Runs one read-only statement on an open connection. */
export function runQuery(db: Database.Database, sql: string): QueryResult {
  const { stmt, columns } = prepareReadOnly(db, sql);
  try {
    const rows = stmt
      .raw(true)
      .all()
      .map((row) => (Array.isArray(row) ? row.map(cell) : []));
    return { columns, rows };
  } catch (err) {
    throw explain(err, db, sql);
  }
}

/** Opens the inventory read-only and runs `sql`; no inventory yet is a usage error that says how to make one. */
export function queryInventory(path: string, sql: string): QueryResult {
  const db = openInventoryReadOnly(path);
  try {
    return runQuery(db, sql);
  } finally {
    db.close();
  }
}
