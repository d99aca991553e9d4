/**
 * What one kind of resource is to the inventory: which API lists it, where in the answer the items are, how
 * an item becomes a row (ARN, name, tags, a few handy columns), and whether it lives in every region or once
 * per account. The definitions are data plus small pure functions, so a new type is one entry in a list.
 */

export type SqlValue = string | number | null;
export type Item = Record<string, unknown>;

/** A type-specific column, beside the columns every inventory table has. */
export interface ColumnSpec {
  /** snake_case, as it appears in SQL. */
  name: string;
  /** Kept to the types SQLite and PostgreSQL share; booleans are INTEGER 0/1. */
  type: 'TEXT' | 'INTEGER' | 'REAL';
  value(item: Item): SqlValue;
}

/** Where an item was read: what ARNs are built from. */
export interface SliceContext {
  partition: string;
  accountId: string;
  /** The region the call went to (for a global type, the region it was read through). */
  region: string;
}

/** One AWS call with this slice's credentials; `region` picks another region than the slice's (S3 buckets). */
export type CallAws = (
  service: string,
  operation: string,
  input?: Record<string, unknown>,
  options?: { region?: string },
) => Promise<Record<string, unknown>>;

export interface ResourceType {
  /** The table name, also what `--types` takes: `ec2_instances`. */
  name: string;
  /** For people: `EC2 instances`. */
  title: string;
  service: string;
  operation: string;
  input?: Record<string, unknown>;
  /**
   * Where the items are in the (page-merged) answer: a path through nested lists, e.g. DescribeInstances'
   * `['Reservations', 'Instances']`.
   */
  listMember: readonly string[];
  /** `global`: read once per account (IAM, S3's ListBuckets), whatever the regions of the sync. */
  scope: 'regional' | 'global';
  arnOf(item: Item, ctx: SliceContext): string;
  /** The resource's name as people say it (the Name tag, else its id). */
  nameOf(item: Item): string | null;
  tagsOf(item: Item): Record<string, string>;
  /** The row's region when it is not the slice's: a bucket's own region, `global` for IAM. */
  regionOf?(item: Item, ctx: SliceContext): string;
  columns: readonly ColumnSpec[];
  /**
   * Per-item calls for what the list leaves out (tags, details). Receives the raw list entry (DynamoDB's
   * ListTables lists names only) and returns the item the row is made of: the list entry merged with the
   * per-item answers, so `raw` keeps everything AWS said. Undefined drops the entry (deleted meanwhile).
   */
  enrich?(entry: unknown, call: CallAws, ctx: SliceContext): Promise<Item | undefined>;
  /**
   * Removes what must not be stored by default (secrets AWS hands back, such as Lambda environment values),
   * before the row is made: from `raw` and every column alike. Skipped when the sync asks for them explicitly.
   */
  redact?(item: Item): Item;
}

/** What a sync stores beyond the defaults. */
export interface ReadOptions {
  /** Keep Lambda environment variable values (only their keys are stored otherwise). */
  includeEnvValues?: boolean | undefined;
}

/** The region of the rows and `sync_status` of a global type's slice. */
export const GLOBAL_REGION = 'global';

export function isItem(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member of an item by path: `at(item, 'State', 'Name')`; a numeric key indexes a list (`'Attachments', '0'`). */
export function at(item: unknown, ...path: string[]): unknown {
  let current = item;
  for (const key of path) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = (current as unknown[])[Number(key)];
    else if (isItem(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return null;
}

/** A string member that must be there (an id); the ARN cannot be built without it. */
export function required(item: Item, key: string): string {
  const value = item[key];
  if (typeof value !== 'string' || value === '') throw new Error(`the API answer has no ${key}`);
  return value;
}

export function int(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function flag(value: unknown): number | null {
  return typeof value === 'boolean' ? (value ? 1 : 0) : null;
}

/** AWS's two tag shapes, `[{ Key, Value }]` (EC2, RDS, IAM, S3) and `{ key: value }` (Lambda), as one map. */
export function tagMap(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(tags)) {
    for (const t of tags) {
      const key = at(t, 'Key');
      const value = at(t, 'Value');
      if (typeof key === 'string') out[key] = typeof value === 'string' ? value : '';
    }
  } else if (isItem(tags)) {
    for (const [key, value] of Object.entries(tags)) if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The items at `path` of an answer, nested lists flattened. */
export function itemsAt(output: unknown, path: readonly string[]): unknown[] {
  let level: unknown[] = [output];
  for (const key of path) {
    const next: unknown[] = [];
    for (const node of level) {
      const value = at(node, key);
      if (Array.isArray(value)) next.push(...(value as unknown[]));
    }
    level = next;
  }
  return level;
}
