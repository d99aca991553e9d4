import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CrossbarError } from '../errors.js';

/**
 * The `sync_status` table read back: one row per slice (account × region × type) that a sync has touched, with
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

/** Reads the table read-only; no inventory yet is a usage error that says how to make one. */
export function readSyncStatus(path: string): SyncStatusRow[] {
  if (!existsSync(path))
    throw new CrossbarError('USAGE', `no inventory at ${path}`, {
      hint: 'run crossbar inventory sync first',
    });
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_status'").get();
    if (hasTable === undefined) return [];
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
