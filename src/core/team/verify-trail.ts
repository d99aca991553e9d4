import {
  createChainCheck,
  type ChainCheck,
  type ChainHead,
  type ChainVerification,
  type TrailBreak,
} from './check-chain.js';
import type { TeamStore } from './open-team-db.js';
import { loadTrailHeads } from './trail-heads.js';
import { entryFromRow } from './trail-record.js';
import { trailChainNames, trailChains } from './trail-chains.js';
import { byChain } from './chain-order.js';

export interface VerifyTrailOptions {
  /** The chains to check (workspace ids, `server`); default: every chain the database holds or a head names. */
  chains?: readonly string[] | undefined;
  /** Heads exported earlier (`--head FILE`): each chain must still hold its entry, with that hash. */
  anchors?: ReadonlyMap<string, ChainHead> | undefined;
  /** Where the anchors came from, for messages (the file name). */
  anchorSource?: string | undefined;
  /** Rows read per query (default 1000): a chain is checked page by page, never loaded whole. */
  pageSize?: number | undefined;
}

export interface TrailVerification {
  ok: boolean;
  /** Entries verified, over all chains. */
  checked: number;
  chains: (ChainVerification & { workspace: string | null })[];
  /** The first break of the first broken chain (the server's chain first, then by workspace). */
  first_broken?: TrailBreak | undefined;
}

/**
 * Verifies the trail in the database: every entry's hash recomputed from its canonical content and prev_hash, the
 * sequence without gaps, each entry linked to the one before, and each chain's last entry equal to its recorded
 * head in `trail_heads` (so a deleted last row, or an edited head, is caught too); with `anchors`, also against
 * heads exported earlier (which catches a chain rewritten wholesale or cut short with its head reset).
 *
 * Runs beside a live server without a transaction (SQLite has one connection): it reads the heads first and
 * checks each chain up to its head; entries appended meanwhile are checked when the head has moved over them,
 * and reported when no head covers them.
 */
export async function verifyTrail(store: TeamStore, options: VerifyTrailOptions = {}): Promise<TrailVerification> {
  const heads = await loadTrailHeads(store, options.chains);
  const chains =
    options.chains ?? [...new Set([...(await trailChains(store)), ...(options.anchors?.keys() ?? [])])].sort(byChain);
  const names = await trailChainNames(store);
  const results: TrailVerification['chains'] = [];
  for (const chain of chains) {
    const check = createChainCheck(chain, {
      anchor: options.anchors?.get(chain),
      anchorSource: options.anchorSource,
    });
    const result = await verifyChain(store, chain, heads.get(chain), check, options.pageSize ?? 1000);
    results.push({ ...result, workspace: names.get(chain) ?? null });
  }
  const broken = results.find((r) => !r.ok);
  return {
    ok: broken === undefined,
    checked: results.reduce((sum, r) => sum + r.checked, 0),
    chains: results,
    ...(broken?.first_broken ? { first_broken: broken.first_broken } : {}),
  };
}

async function verifyChain(
  store: TeamStore,
  chain: string,
  snapshot: ChainHead | undefined,
  check: ChainCheck,
  pageSize: number,
): Promise<ChainVerification> {
  // A chain begun since the heads were read has its head by now (appendTrail writes it first).
  let head = snapshot ?? (await loadTrailHeads(store, [chain])).get(chain);
  let after = 0;
  /** Feeds the chain's entries after `after` (up to `limit`, when given) to the check; false once it broke. */
  const readUpTo = async (limit: number | undefined): Promise<boolean> => {
    for (;;) {
      let query = store.db.selectFrom('trail').selectAll().where('chain', '=', chain).where('seq', '>', after);
      if (limit !== undefined) query = query.where('seq', '<=', limit);
      const rows = await query.orderBy('seq').limit(pageSize).execute();
      for (const row of rows) {
        if (!check.add(entryFromRow(row))) return false;
        after = Number(row.seq);
      }
      if (rows.length < pageSize) return true;
    }
  };
  if (!(await readUpTo(head?.seq)) || head === undefined) return check.finish(head);
  const max = await maxSeq(store, chain);
  if (max > head.seq) {
    // Appended since the heads were read (the head moved over them), or written past the head by hand.
    const now = (await loadTrailHeads(store, [chain])).get(chain);
    if (now && now.seq >= max) head = now;
    await readUpTo(now && now.seq >= max ? now.seq : undefined);
  }
  return check.finish(head);
}

async function maxSeq(store: TeamStore, chain: string): Promise<number> {
  const row = await store.db
    .selectFrom('trail')
    .select((eb) => eb.fn.max('seq').as('max'))
    .where('chain', '=', chain)
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}
