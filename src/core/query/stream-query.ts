import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { CrossbarError } from '../errors.js';
import { openInventoryReadOnly, prepareReadOnly, type SqlCell } from './query-inventory.js';

/**
 * `crossbar query` with a brake. The statement is checked here (read-only, returns rows, SQLite's errors
 * explained), then run in a child process that streams its rows back in batches. SQLite cannot be interrupted
 * from JavaScript (better-sqlite3 exposes no sqlite3_interrupt, and a worker thread stuck inside one sqlite step
 * cannot be terminated), but a process can always be killed: the row cap, the time limit and Ctrl-C each end
 * it at once, however the statement is written (a recursive CTE that never stops, a cross join of everything).
 */
export interface StreamQueryOptions {
  /** Rows kept at most; one more ends the query with `stopped: 'max-rows'`. */
  maxRows: number;
  /** Wall time allowed; past it the query ends with `stopped: 'timeout'`. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /**
   * The accounts the query may read (the team server: a workspace's). The statement then runs inside one read
   * transaction that first checks that no table holds a row of another account, so the rows it reads are exactly
   * those the check saw (WAL snapshot); a database holding any other account refuses with CONFLICT and runs nothing.
   */
  accounts?: readonly string[] | undefined;
}

export interface StreamQueryResult {
  columns: string[];
  rows: SqlCell[][];
  /** Why the rows are not all there is; undefined when the statement ran to its end. */
  stopped?: 'max-rows' | 'timeout' | 'interrupted';
  elapsedMs: number;
}

const BATCH_ROWS = 500;

/** The child: plain CommonJS run with `node -e`, so that it needs neither the build nor a TypeScript loader. */
const CHILD = `
const [mod, path, sql, batch, accounts] = process.argv.slice(1);
const Database = require(mod);
const cell = (v) => v === null || typeof v === 'string' || typeof v === 'number' ? v
  : typeof v === 'bigint' ? (Number.isSafeInteger(Number(v)) ? Number(v) : v.toString())
  : Buffer.isBuffer(v) ? v.toString('hex') : String(v);
const send = (message) => new Promise((resolve) => process.send(message, resolve));
const foreignAccount = (db) => {
  const tables = db.prepare("SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND EXISTS "
    + "(SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'account_id')").pluck().all();
  if (tables.length === 0) return false;
  const check = tables.map((t) => 'SELECT 1 FROM "' + t.replace(/"/g, '""')
    + '" WHERE account_id NOT IN (SELECT value FROM json_each(?))').join(' UNION ALL ');
  return db.prepare(check + ' LIMIT 1').get(...tables.map(() => accounts)) !== undefined;
};
(async () => {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    if (accounts !== undefined) {
      // One read transaction: the check and the statement see the same snapshot of the file.
      db.exec('BEGIN');
      if (foreignAccount(db)) { await send({ foreign: true }); process.disconnect(); return; }
    }
    let rows = [];
    for (const row of db.prepare(sql).raw(true).iterate()) {
      rows.push(row.map(cell));
      if (rows.length >= Number(batch)) { await send({ rows }); rows = []; }
    }
    await send({ rows, done: true });
  } catch (err) {
    await send({ error: err && err.message ? err.message : String(err) });
  }
  process.disconnect();
})();
`;

interface ChildMessage {
  foreign?: boolean;
  rows?: SqlCell[][];
  done?: boolean;
  error?: string;
}

function isChildMessage(value: unknown): value is ChildMessage {
  return typeof value === 'object' && value !== null;
}

export async function streamQuery(path: string, sql: string, options: StreamQueryOptions): Promise<StreamQueryResult> {
  const db = openInventoryReadOnly(path);
  let columns: string[];
  try {
    columns = prepareReadOnly(db, sql).columns;
  } finally {
    db.close();
  }
  const started = Date.now();
  const nativeModule = createRequire(import.meta.url).resolve('better-sqlite3');
  const args = [nativeModule, path, sql, String(BATCH_ROWS)];
  if (options.accounts) args.push(JSON.stringify(options.accounts));
  const child = spawn(process.execPath, ['-e', CHILD, ...args], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: {},
  });
  const rows: SqlCell[][] = [];
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise<StreamQueryResult>((resolve, reject) => {
    let settled = false;
    const finish = (stopped?: StreamQueryResult['stopped'], error?: CrossbarError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      if (error) reject(error);
      else resolve({ columns, rows, ...(stopped ? { stopped } : {}), elapsedMs: Date.now() - started });
    };
    const onAbort = (): void => finish('interrupted');
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs);
    if (options.signal?.aborted) return finish('interrupted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: unknown) => {
      if (!isChildMessage(message)) return;
      if (message.foreign)
        return finish(
          undefined,
          new CrossbarError('CONFLICT', 'the inventory holds accounts this query may not read: nothing was run', {
            hint: 'their rows are removed before the query runs again',
          }),
        );
      if (message.error !== undefined)
        return finish(undefined, new CrossbarError('USAGE', `SQL error: ${message.error}`));
      for (const row of message.rows ?? []) {
        if (rows.length >= options.maxRows) return finish('max-rows');
        rows.push(row);
      }
      if (message.done) finish();
    });
    child.on('error', (err) =>
      finish(undefined, new CrossbarError('ERROR', `Could not run the query: ${err.message}`, { cause: err })),
    );
    child.on('close', (code, signal) => {
      if (settled) return;
      const why = signal ?? `exit ${code ?? '?'}`;
      finish(
        undefined,
        new CrossbarError('ERROR', `The query process ended (${why}) before its last row`, {
          hint: stderr.trim().split('\n').at(-1) ?? 'Run the query again, or with a smaller --max-rows',
        }),
      );
    });
  });
}
