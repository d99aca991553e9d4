import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CrossbarError } from '../errors.js';
import { isWriterGone } from '../process-liveness.js';

/**
 * The `sync_status` and `sync_runs` tables read back: one row per slice (account × region × type) that a sync has touched, with
 * when it was last read, whether that worked, and if not, why. `crossbar inventory status` prints it.
 */
export interface SyncStatusRow {
  accountId: string;
  accountName: string;
  stage: string | null;
  region: string;
  type: string;
  status: 'ok' | 'failed';
  errorCode: string | null;
  errorMessage: string | null;
  awsErrorCode: string | null;
  itemCount: number;
  /** ISO time of the last attempt. */
  syncedAt: string;
  /** ISO time of the last attempt that worked (a failed slice keeps these rows). */
  lastOkAt: string | null;
}

const SELECT_SQL = `SELECT account_id, account_name, stage, region, type, status, error_code, error_message,
  aws_error_code, item_count, synced_at, last_ok_at FROM sync_status ORDER BY account_name, region, type`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** One `inventory sync` as `sync_runs` recorded it, and what became of it. */
export interface SyncRunRow {
  id: number;
  /**
   * `running`: not finished, its process is alive; `killed`: not finished and its process is gone (it never got
   * to say how it ended); `unfinished`: not finished, started on another host, so nobody here can tell.
   */
  state: 'finished' | 'interrupted' | 'failed' | 'running' | 'killed' | 'unfinished';
  startedAt: string;
  finishedAt: string | null;
  pid: number;
  host: string;
  accounts: number;
  types: string[];
  slices: number | null;
  ok: number | null;
  failed: number | null;
  resources: number | null;
  error: string | null;
}

function openReadonly(path: string): Database.Database {
  if (!existsSync(path))
    throw new CrossbarError('USAGE', `no inventory at ${path}`, {
      hint: 'run crossbar inventory sync first',
    });
  return new Database(path, { readonly: true, fileMustExist: true });
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function count(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function runState(r: Record<string, unknown>, pid: number, host: string, startedAt: string): SyncRunRow['state'] {
  const outcome = r['outcome'];
  if (outcome === 'finished' || outcome === 'interrupted' || outcome === 'failed') return outcome;
  const gone = isWriterGone({ pid, host, since: Date.parse(startedAt) });
  return gone === undefined ? 'unfinished' : gone ? 'killed' : 'running';
}

/** The most recent syncs, newest first (none for an inventory older than the `sync_runs` table). */
export function readSyncRuns(path: string, limit = 20): SyncRunRow[] {
  const db = openReadonly(path);
  try {
    if (!hasTable(db, 'sync_runs')) return [];
    return db
      .prepare('SELECT * FROM sync_runs ORDER BY id DESC LIMIT ?')
      .all(limit)
      .filter(isRecord)
      .map((r): SyncRunRow => {
        const pid = Number(r['pid']);
        const host = String(r['host']);
        const startedAt = String(r['started_at']);
        return {
          id: Number(r['id']),
          state: runState(r, pid, host, startedAt),
          startedAt,
          finishedAt: text(r['finished_at']),
          pid,
          host,
          accounts: Number(r['accounts']),
          types: String(r['types']).split(',').filter(Boolean),
          slices: count(r['slices']),
          ok: count(r['ok']),
          failed: count(r['failed']),
          resources: count(r['resources']),
          error: text(r['error']),
        };
      });
  } finally {
    db.close();
  }
}

/** Reads the table read-only; no inventory yet is a usage error that says how to make one. */
export function readSyncStatus(path: string): SyncStatusRow[] {
  const db = openReadonly(path);
  try {
    if (!hasTable(db, 'sync_status')) return [];
    return db
      .prepare(SELECT_SQL)
      .all()
      .filter(isRecord)
      .map((r) => {
        return {
          accountId: String(r['account_id']),
          accountName: String(r['account_name']),
          stage: text(r['stage']),
          region: String(r['region']),
          type: String(r['type']),
          status: r['status'] === 'ok' ? 'ok' : 'failed',
          errorCode: text(r['error_code']),
          errorMessage: text(r['error_message']),
          awsErrorCode: text(r['aws_error_code']),
          itemCount: Number(r['item_count']),
          syncedAt: String(r['synced_at']),
          lastOkAt: text(r['last_ok_at']),
        };
      });
  } finally {
    db.close();
  }
}
