import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import type { Pool as PgPool, PoolConfig } from 'pg';
import { CrossbarError } from '../errors.js';
import { defaultTeamDbPath, redactDbUrl, type OpenTeamDbOptions, type TeamStore } from './open-team-db.js';
import type { TeamDatabase } from './team-schema.js';

const require = createRequire(import.meta.url);

/**
 * Opens a team database to read it, never to change it: `crossbar trail verify|export|list --db` for an auditor
 * with a copy. Unlike `openTeamDb` it creates nothing and runs no migration (the copy is evidence): a SQLite file
 * must exist and is opened read-only; a PostgreSQL session is read-only (`default_transaction_read_only`).
 */
export async function openTeamDbReadOnly(options: OpenTeamDbOptions): Promise<TeamStore> {
  const url = options.url ?? defaultTeamDbPath(options.home);
  const postgres = /^postgres(ql)?:\/\//i.test(url);
  const location = redactDbUrl(url);
  if (!postgres && !existsSync(url))
    throw new CrossbarError('CONFIG_INVALID', `there is no team database at ${url}`, {
      hint: 'pass --db the team.db file (or a postgres:// URL) of the crossbar server',
    });
  let db: Kysely<TeamDatabase>;
  if (postgres) {
    const { Pool } = require('pg') as { Pool: new (config: PoolConfig) => PgPool };
    const pool = new Pool({
      connectionString: url,
      max: 4,
      connectionTimeoutMillis: 5000,
      options: '-c default_transaction_read_only=on',
    });
    pool.on('error', () => undefined);
    db = new Kysely<TeamDatabase>({ dialect: new PostgresDialect({ pool }) });
  } else {
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    let database: BetterSqlite3.Database;
    try {
      database = new Database(url, { readonly: true, fileMustExist: true });
    } catch (cause) {
      throw new CrossbarError('CONFIG_INVALID', `cannot open ${url}: ${(cause as Error).message}`, {
        hint: 'pass --db a crossbar team database (team.db) you can read',
        cause,
      });
    }
    database.pragma('busy_timeout = 5000');
    db = new Kysely<TeamDatabase>({ dialect: new SqliteDialect({ database }) });
  }
  try {
    await db.selectFrom('trail_heads').select('chain').limit(1).execute();
  } catch (cause) {
    await db.destroy().catch(() => undefined);
    const message = (cause as Error).message.replace(/postgres(ql)?:\/\/[^\s]+/gi, (u) => redactDbUrl(u));
    throw new CrossbarError('CONFIG_INVALID', `${location} is not a crossbar team database we can read: ${message}`, {
      hint: postgres
        ? 'check that PostgreSQL is running and the URL (user, password, database) is right'
        : 'pass --db the team.db file of the crossbar server',
      cause,
    });
  }
  return { db, kind: postgres ? 'postgres' : 'sqlite', location, migrated: [], close: () => db.destroy() };
}
