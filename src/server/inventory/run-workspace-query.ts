import { existsSync } from 'node:fs';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import { InventoryStore } from '../../core/inventory/index.js';
import { QUERY_LIMITS, streamQuery, type StreamQueryResult } from '../../core/query/index.js';
import type { ServerDeps } from '../server-deps.js';
import type { WorkspaceInventory } from './workspace-inventory.js';

/** Queries at once per server process (each runs in a process of its own); one more is a 429. */
export const MAX_RUNNING_QUERIES = 4;
const running = new WeakMap<ServerDeps, number>();

export interface WorkspaceQuery {
  sql: string;
  maxRows: number;
  timeoutSeconds: number;
  signal?: AbortSignal | undefined;
}

/**
 * `crossbar query`'s own code (core/query: the read-only checks, the row cap, the time limit, a process that is
 * ended at once) over the workspace's inventory file, with the workspace's accounts as the only ones the query may
 * read: the statement runs only when the file, in the snapshot it reads, holds no other account's row. Rows of an
 * account that has left the workspace are deleted first (then the query runs once more).
 */
export async function runWorkspaceQuery(
  deps: ServerDeps,
  inventory: WorkspaceInventory,
  query: WorkspaceQuery,
  workspaceName: string,
): Promise<StreamQueryResult> {
  const count = running.get(deps) ?? 0;
  if (count >= MAX_RUNNING_QUERIES)
    throw new CrossbarError('THROTTLED', `the server already runs ${count} queries, its limit`, {
      hint: 'run it again in a moment',
    });
  running.set(deps, count + 1);
  try {
    // No sync yet: an empty inventory (every table, no rows), so that a query reads as it will after a sync.
    if (!existsSync(inventory.path)) InventoryStore.open(inventory.path).close();
    const options = {
      maxRows: Math.min(query.maxRows, QUERY_LIMITS.maxRows),
      timeoutMs: Math.min(query.timeoutSeconds, QUERY_LIMITS.timeoutSeconds) * 1000,
      signal: query.signal,
      accounts: inventory.accountIds,
    };
    try {
      return await streamQuery(inventory.path, query.sql, options);
    } catch (err) {
      if (!isCrossbarError(err) || err.code !== 'CONFLICT') throw err;
      const store = InventoryStore.open(inventory.path);
      try {
        const removed = store.forgetAccountsExcept(inventory.accountIds);
        deps.log?.(`inventory of ${workspaceName}: removed ${removed} resources of accounts outside the workspace`);
      } finally {
        store.close();
      }
      return await streamQuery(inventory.path, query.sql, options);
    }
  } catch (err) {
    throw withoutPath(err, inventory.path);
  } finally {
    running.set(deps, (running.get(deps) ?? 1) - 1);
  }
}

/** The server's file paths are not the member's business: an error naming the inventory's file says "the inventory". */
function withoutPath(err: unknown, path: string): unknown {
  if (!isCrossbarError(err) || (!err.message.includes(path) && !(err.hint ?? '').includes(path))) return err;
  const hint = err.hint?.split(path).join('the inventory');
  return new CrossbarError(err.code, err.message.split(path).join('the inventory'), {
    ...(hint ? { hint } : {}),
    cause: err,
  });
}
