import type { TeamStore } from './open-team-db.js';
import { entryFromRow } from './trail-record.js';
import type { TrailEntry } from './trail-chain.js';

/** Where a page of `listTrail` ended: pass it as `before` for the next (older) page. */
export interface TrailCursor {
  at: string;
  chain: string;
  seq: number;
}

export interface TrailQuery {
  /** The chains to list (workspace ids, `server`); an empty list lists nothing. */
  chains: readonly string[];
  /** ISO timestamp: entries at or after it (see parseTrailSince). */
  since?: string | undefined;
  /** The actor, exactly. */
  who?: string | undefined;
  /** The action, exactly, or a prefix ending in `*` (`auth.*`). */
  action?: string | undefined;
  /** The target, exactly, or a prefix ending in `*` (`development*`: the account, and `development:role`). */
  target?: string | undefined;
  /** At most this many entries (default 100, at most 1000). */
  limit?: number | undefined;
  before?: TrailCursor | undefined;
}

export interface TrailPage {
  entries: TrailEntry[];
  /** Set when there may be more (older) entries. */
  next?: TrailCursor;
}

export const TRAIL_LIST_MAX = 1000;

/** The newest entries first, across the chains asked for, filtered; a page at a time. */
export async function listTrail(store: TeamStore, query: TrailQuery): Promise<TrailPage> {
  if (query.chains.length === 0) return { entries: [] };
  const limit = Math.min(Math.max(query.limit ?? 100, 1), TRAIL_LIST_MAX);
  let select = store.db.selectFrom('trail').selectAll().where('chain', 'in', query.chains);
  if (query.since) select = select.where('at', '>=', query.since);
  if (query.who) select = select.where('actor', '=', query.who);
  for (const column of ['action', 'target'] as const) {
    const wanted = query[column];
    if (!wanted) continue;
    const prefix = wanted.endsWith('*') ? wanted.slice(0, -1) : undefined;
    select =
      prefix === undefined
        ? select.where(column, '=', wanted)
        : select.where((eb) => eb(eb.fn('substr', [column, eb.lit(1), eb.lit(prefix.length)]), '=', prefix));
  }
  const before = query.before;
  if (before)
    select = select.where(({ eb, refTuple, tuple }) =>
      eb(refTuple('at', 'chain', 'seq'), '<', tuple(before.at, before.chain, before.seq)),
    );
  const rows = await select
    .orderBy('at', 'desc')
    .orderBy('chain', 'desc')
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  const entries = rows.map(entryFromRow);
  const last = entries.at(-1);
  return entries.length === limit && last
    ? { entries, next: { at: last.at, chain: last.chain, seq: last.seq } }
    : { entries };
}

/** A cursor as one URL-safe word, and back (undefined when it is not one). */
export function encodeTrailCursor(cursor: TrailCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.chain, cursor.seq])).toString('base64url');
}

export function decodeTrailCursor(text: string): TrailCursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      Number.isInteger(value[2])
    )
      return { at: value[0], chain: value[1], seq: value[2] as number };
  } catch {
    // not a cursor
  }
  return undefined;
}
