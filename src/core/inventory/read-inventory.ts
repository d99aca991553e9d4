import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CrossbarError } from '../errors.js';
import { RESOURCE_TYPES } from './resource-types.js';
import { quoteIdentifier } from './schema.js';

/**
 * The inventory read for a page: how many resources of each type, and one page of resources with filters, always
 * within a list of accounts (`accounts`: the team server's workspace). Read-only connections; no inventory file
 * yet reads as empty (`undefined`), for the caller to say how to make one.
 */
const WITHIN = 'account_id IN (SELECT value FROM json_each(?))';

export interface TypeCount {
  type: string;
  title: string;
  scope: 'regional' | 'global';
  count: number;
}

export interface InventoryOverview {
  types: TypeCount[];
  /** The regions and accounts that hold resources, for filters. */
  regions: string[];
  accounts: { id: string; name: string }[];
}

export interface ResourceFilter {
  accounts: readonly string[];
  type?: string | undefined;
  /** An account id or name. */
  account?: string | undefined;
  region?: string | undefined;
  /** Text in the name, ARN or tags (case-insensitive for ASCII). */
  q?: string | undefined;
  limit: number;
  offset: number;
}

export interface ResourceRow {
  type: string;
  account_id: string;
  account_name: string;
  stage: string | null;
  region: string;
  arn: string;
  name: string | null;
  tags: Record<string, string>;
  synced_at: string;
}

export interface ResourcePage {
  total: number;
  resources: ResourceRow[];
}

function openReadOnly(path: string): Database.Database | undefined {
  if (!existsSync(path)) return undefined;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  return db;
}

function tableNames(db: Database.Database): Set<string> {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").pluck().all();
  return new Set(names.filter((n): n is string => typeof n === 'string'));
}

export function readInventoryOverview(path: string, accounts: readonly string[]): InventoryOverview | undefined {
  const db = openReadOnly(path);
  if (!db) return undefined;
  try {
    const ids = JSON.stringify(accounts);
    const present = tableNames(db);
    const types = RESOURCE_TYPES.filter((t) => present.has(t.name)).map((t) => ({
      type: t.name,
      title: t.title,
      scope: t.scope,
      count: Number(
        db
          .prepare(`SELECT count(*) FROM ${quoteIdentifier(t.name)} WHERE ${WITHIN}`)
          .pluck()
          .get(ids),
      ),
    }));
    if (!present.has('resources')) return { types, regions: [], accounts: [] };
    const regions = db
      .prepare(`SELECT DISTINCT region FROM resources WHERE ${WITHIN} ORDER BY region`)
      .pluck()
      .all(ids)
      .map(String);
    const names = db
      .prepare(`SELECT account_id, max(account_name) FROM resources WHERE ${WITHIN} GROUP BY 1 ORDER BY 2`)
      .raw(true)
      .all(ids) as unknown[][];
    return { types, regions, accounts: names.map(([id, name]) => ({ id: String(id), name: String(name) })) };
  } finally {
    db.close();
  }
}

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function tagsOf(text: unknown): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(String(text));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}

export function readInventoryResources(path: string, filter: ResourceFilter): ResourcePage | undefined {
  if (filter.type !== undefined && !RESOURCE_TYPES.some((t) => t.name === filter.type))
    throw new CrossbarError('USAGE', `no resource type ${filter.type}`, {
      hint: `the types are ${RESOURCE_TYPES.map((t) => t.name).join(', ')}`,
    });
  const db = openReadOnly(path);
  if (!db) return undefined;
  try {
    const where = [WITHIN];
    const params: unknown[] = [JSON.stringify(filter.accounts)];
    if (filter.type !== undefined) {
      where.push('type = ?');
      params.push(filter.type);
    }
    if (filter.account !== undefined) {
      where.push('(account_id = ? OR account_name = ?)');
      params.push(filter.account, filter.account);
    }
    if (filter.region !== undefined) {
      where.push('region = ?');
      params.push(filter.region);
    }
    if (filter.q !== undefined && filter.q !== '') {
      const like = likePattern(filter.q);
      where.push("(name LIKE ? ESCAPE '\\' OR arn LIKE ? ESCAPE '\\' OR tags LIKE ? ESCAPE '\\')");
      params.push(like, like, like);
    }
    const clause = where.join(' AND ');
    // One read transaction: the count and the page agree.
    return db.transaction(() => {
      const total = Number(
        db
          .prepare(`SELECT count(*) FROM resources WHERE ${clause}`)
          .pluck()
          .get(...params),
      );
      const rows = db
        .prepare(
          `SELECT type, account_id, account_name, stage, region, arn, name, tags, synced_at FROM resources
           WHERE ${clause} ORDER BY type, account_name, region, name, arn LIMIT ? OFFSET ?`,
        )
        .all(...params, filter.limit, filter.offset) as Record<string, unknown>[];
      const resources = rows.map((r): ResourceRow => ({
        type: String(r['type']),
        account_id: String(r['account_id']),
        account_name: String(r['account_name']),
        stage: typeof r['stage'] === 'string' ? r['stage'] : null,
        region: String(r['region']),
        arn: String(r['arn']),
        name: typeof r['name'] === 'string' ? r['name'] : null,
        tags: tagsOf(r['tags']),
        synced_at: String(r['synced_at']),
      }));
      return { total, resources };
    })();
  } finally {
    db.close();
  }
}
