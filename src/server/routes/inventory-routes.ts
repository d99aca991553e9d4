import type { Hono } from 'hono';
import { z } from 'zod';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import {
  readInventoryOverview,
  readInventoryResources,
  readSyncStatus,
  type SyncStatusRow,
} from '../../core/inventory/index.js';
import { leadingKeyword, QUERY_LIMITS } from '../../core/query/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { runWorkspaceQuery } from '../inventory/run-workspace-query.js';
import { workspaceInventory } from '../inventory/workspace-inventory.js';
import { readJson } from '../read-json.js';
import { recordWorkspaceTrail, workspaceFor } from '../workspace-access.js';

/** A slice last read longer ago than this is stale (the coverage marks it). */
export const STALE_AFTER_SECONDS = 24 * 60 * 60;
const PAGE_DEFAULT = 50;
const PAGE_MAX = 500;
/** The trail keeps this much of a query's SQL. */
const SQL_IN_TRAIL = 500;

const QuerySchema = z
  .object({
    sql: z.string().max(16_000),
    max_rows: z.number().int().min(1).max(QUERY_LIMITS.maxRows).optional(),
    timeout_seconds: z.number().int().min(1).max(QUERY_LIMITS.timeoutSeconds).optional(),
  })
  .strict();

/**
 * A workspace's inventory (issue 11 item 6), every route viewer+ and only ever within the accounts the workspace
 * reaches (docs/SERVER.md, "Inventory"):
 * - `GET /api/workspaces/:ws/inventory/types`: each resource type with its count, the regions and accounts there are;
 * - `GET …/inventory/resources?type=&account=&region=&q=&limit=&offset=`: one page, with the total;
 * - `GET …/inventory/coverage`: the `sync_status` slices with their age and whether they are stale;
 * - `POST …/inventory/query { sql, max_rows?, timeout_seconds? }`: `crossbar query` over the workspace's file,
 *   with its limits as ceilings; trailed as `inventory.query` (ok, failed, or denied for a write: a 400).
 */
export function registerInventoryRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/inventory/types', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'inventory.read');
    const inventory = workspaceInventory(c, access);
    const overview = readInventoryOverview(inventory.path, inventory.accountIds);
    return c.json({
      synced: overview !== undefined,
      types: overview?.types ?? [],
      total: overview?.types.reduce((n, t) => n + t.count, 0) ?? 0,
      regions: overview?.regions ?? [],
      accounts: overview?.accounts ?? [],
    });
  });

  app.get('/api/workspaces/:ws/inventory/resources', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'inventory.read');
    const inventory = workspaceInventory(c, access);
    const limit = intParam(c, 'limit', PAGE_DEFAULT, 1, PAGE_MAX);
    const offset = intParam(c, 'offset', 0, 0, 10_000_000);
    const page = readInventoryResources(inventory.path, {
      accounts: inventory.accountIds,
      type: textParam(c, 'type'),
      account: textParam(c, 'account'),
      region: textParam(c, 'region'),
      q: textParam(c, 'q'),
      limit,
      offset,
    });
    return c.json({
      synced: page !== undefined,
      total: page?.total ?? 0,
      limit,
      offset,
      resources: page?.resources ?? [],
    });
  });

  app.get('/api/workspaces/:ws/inventory/coverage', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'inventory.read');
    const inventory = workspaceInventory(c, access);
    const now = c.get('deps').now();
    let rows: SyncStatusRow[] | undefined;
    try {
      rows = readSyncStatus(inventory.path);
    } catch (err) {
      // No inventory yet: no slices.
      if (!isCrossbarError(err) || err.code !== 'USAGE') throw err;
    }
    const within = new Set(inventory.accountIds);
    const slices = (rows ?? []).filter((r) => within.has(r.accountId)).map((r) => sliceView(r, now));
    return c.json({
      synced: rows !== undefined,
      now: new Date(now).toISOString(),
      stale_after_seconds: STALE_AFTER_SECONDS,
      slices,
    });
  });

  app.post('/api/workspaces/:ws/inventory/query', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'inventory.read');
    const body = await readJson(c, QuerySchema);
    const maxRows = body.max_rows ?? QUERY_LIMITS.maxRows;
    const timeoutSeconds = body.timeout_seconds ?? QUERY_LIMITS.timeoutSeconds;
    // Queries are trailed, allowed or refused: who read what of the inventory, never more than the SQL's start.
    const described = { statement: leadingKeyword(body.sql), sql: body.sql.slice(0, SQL_IN_TRAIL) };
    let result;
    try {
      result = await runWorkspaceQuery(
        c.get('deps'),
        workspaceInventory(c, access),
        { sql: body.sql, maxRows, timeoutSeconds, signal: c.req.raw.signal },
        access.workspace.name,
      );
    } catch (err) {
      if (isCrossbarError(err))
        await recordWorkspaceTrail(c, access, {
          action: 'inventory.query',
          outcome: err.message.startsWith('query is read-only') ? 'denied' : 'failed',
          details: { ...described, code: err.code, reason: err.message },
        });
      throw err;
    }
    await recordWorkspaceTrail(c, access, {
      action: 'inventory.query',
      outcome: 'ok',
      details: {
        ...described,
        rows: result.rows.length,
        stopped: result.stopped ?? null,
        elapsed_ms: result.elapsedMs,
      },
    });
    return c.json({
      columns: result.columns,
      rows: result.rows,
      row_count: result.rows.length,
      stopped: result.stopped ?? null,
      elapsed_ms: result.elapsedMs,
      max_rows: maxRows,
      timeout_seconds: timeoutSeconds,
    });
  });
}

function ageSeconds(iso: string | null, now: number): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((now - at) / 1000));
}

function sliceView(r: SyncStatusRow, now: number): Record<string, unknown> {
  const age = ageSeconds(r.syncedAt, now);
  const okAge = ageSeconds(r.lastOkAt, now);
  return {
    account_id: r.accountId,
    account: r.accountName,
    stage: r.stage,
    region: r.region,
    type: r.type,
    status: r.status,
    error_code: r.errorCode,
    error_message: r.errorMessage,
    aws_error_code: r.awsErrorCode,
    item_count: r.itemCount,
    synced_at: r.syncedAt,
    last_ok_at: r.lastOkAt,
    age_seconds: age,
    last_ok_age_seconds: okAge,
    // What the inventory shows of the slice is as old as its last good read.
    stale: okAge === null || okAge > STALE_AFTER_SECONDS,
  };
}

function textParam(c: AppContext, name: string): string | undefined {
  const text = c.req.query(name);
  if (text === undefined || text === '') return undefined;
  if (text.length > 256)
    throw new CrossbarError('INVALID', `?${name}= is longer than 256 characters`, { hint: 'shorten the filter' });
  return text;
}

function intParam(c: AppContext, name: string, fallback: number, min: number, max: number): number {
  const text = c.req.query(name);
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!/^\d{1,16}$/.test(text) || n < min || n > max)
    throw new CrossbarError('INVALID', `?${name}= must be a whole number from ${min} to ${max}`, {
      hint: `e.g. ?${name}=${fallback}`,
    });
  return n;
}
