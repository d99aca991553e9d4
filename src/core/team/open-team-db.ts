import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool as PgPool, PoolConfig } from 'pg';
import { withFileLock } from '../credentials/file-lock.js';
import { CrossbarError } from '../errors.js';
import { TEAM_MIGRATIONS } from './team-migrations.js';
import type { TeamDatabase, TeamDb } from './team-schema.js';

const require = createRequire(import.meta.url);

export type TeamDbKind = 'sqlite' | 'postgres';

export interface TeamStore {
  db: TeamDb;
  kind: TeamDbKind;
  /** Where it is, for messages: the SQLite file, or the PostgreSQL URL without its password. */
  location: string;
  /** The migrations this open ran (empty when the database was current). */
  migrated: readonly string[];
  /**
   * SQLite only: the one better-sqlite3 connection under `db`, for writes that must not await while they hold it (the
   * trail's group commit). Use it only inside `db.connection().execute(…)`, which holds Kysely's connection lock, so no
   * Kysely transaction of another request is open on it meanwhile.
   */
  sqlite?: BetterSqlite3.Database | undefined;
  close(): Promise<void>;
}

export interface OpenTeamDbOptions {
  /** `postgres://…` / `postgresql://…`, a SQLite file path, or undefined for `CROSSBAR_HOME/team.db`. */
  url?: string | undefined;
  home: string;
}

/** The default database of `crossbar serve`: SQLite under CROSSBAR_HOME, created 0600 (it holds hashes). */
export function defaultTeamDbPath(home: string): string {
  return join(home, 'team.db');
}

function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactDbUrl(url: string): string {
  if (!isPostgresUrl(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

class StaticMigrations implements MigrationProvider {
  constructor(private readonly migrations: Readonly<Record<string, Migration>>) {}
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve({ ...this.migrations });
  }
}

function openSqlite(path: string): { db: Kysely<TeamDatabase>; sqlite: BetterSqlite3.Database } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  const database = new Database(path);
  database.pragma('journal_mode = WAL');
  // WAL with synchronous=NORMAL: a commit is atomic and the file never corrupt; a power cut may lose the last
  // commits (never half of one, so the trail's chain still verifies). FULL would fsync on every vend's trail entry.
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<TeamDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return { db, sqlite: database };
}

/** Statements kept beyond this are dropped all at once: SQL with IN lists of many lengths must not grow it forever. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; preparing is a third of a simple query's time in better-sqlite3. The same SQL
 * text reuses its prepared statement, unless that one is busy (a streaming read still iterating it).
 */
function withStatementCache(database: BetterSqlite3.Database): {
  prepare(sql: string): BetterSqlite3.Statement;
  close(): void;
} {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = database.prepare(sql);
      if (!cached) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        cache.set(sql, statement);
      }
      return statement;
    },
    close: () => database.close(),
  };
}

function openPostgres(url: string): Kysely<TeamDatabase> {
  const { Pool } = require('pg') as { Pool: new (config: PoolConfig) => PgPool };
  const pool = new Pool({ connectionString: url, max: 20, connectionTimeoutMillis: 5000 });
  // An idle client's error (the server restarted) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  return new Kysely<TeamDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/** The longest a migration of the team database can take: a lock older than this is abandoned. */
const MIGRATE_STALE_MS = 60_000;

/**
 * Opens the team database (SQLite by default, PostgreSQL for a postgres:// URL) and runs the migrations it has not
 * run yet. One query layer (Kysely) for both; the caller closes it.
 */
export async function openTeamDb(options: OpenTeamDbOptions): Promise<TeamStore> {
  const url = options.url ?? defaultTeamDbPath(options.home);
  const kind: TeamDbKind = isPostgresUrl(url) ? 'postgres' : 'sqlite';
  const location = redactDbUrl(url);
  const sqliteOpen = kind === 'sqlite' ? openSqlite(url) : undefined;
  const db = sqliteOpen ? sqliteOpen.db : openPostgres(url);
  const migrator = new Migrator({ db, provider: new StaticMigrations(TEAM_MIGRATIONS) });
  // Kysely locks migrations on PostgreSQL only; on SQLite two processes opening a new file at once would both
  // create the tables. A lock file beside the database lets one migrate while the other waits, then finds it current.
  const { error, results } = sqliteOpen
    ? await withFileLock(`${url}.migrate.lock`, () => migrator.migrateToLatest(), { staleMs: MIGRATE_STALE_MS })
    : await migrator.migrateToLatest();
  if (error) {
    await db.destroy().catch(() => undefined);
    throw new CrossbarError('CONFIG_INVALID', `could not open the team database ${location}: ${describe(error)}`, {
      hint:
        kind === 'postgres'
          ? 'check that PostgreSQL is running and the URL (user, password, database) is right'
          : 'check that the file is a crossbar team database and its directory is writable',
      cause: error,
    });
  }
  const migrated = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  return { db, kind, location, migrated, sqlite: sqliteOpen?.sqlite, close: () => db.destroy() };
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/postgres(ql)?:\/\/[^\s]+/gi, (u) => redactDbUrl(u));
  return String(error);
}
