import type { TeamStore } from './open-team-db.js';
import { GENESIS_HASH, hashEntry, scrubDetails, type TrailEntry, type TrailEvent } from './trail-chain.js';

/** The chain of entries that belong to no workspace: sign-ins, tokens, users. */
export const SERVER_CHAIN = 'server';

/**
 * Appends one event to its chain (the workspace's id, or `server`) inside one transaction: the chain's head row
 * is locked (PostgreSQL `FOR UPDATE`; SQLite serialises writers), the entry gets the next sequence number and the
 * head's hash as its `prev_hash`, and the head moves. Two writers never fork a chain.
 */
export async function appendTrail(
  store: TeamStore,
  chain: string,
  event: TrailEvent,
  now: () => number = Date.now,
): Promise<TrailEntry> {
  return store.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('trail_heads')
      .values({ chain, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('chain').doNothing())
      .execute();
    let headQuery = trx.selectFrom('trail_heads').select(['seq', 'hash']).where('chain', '=', chain);
    if (store.kind === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    const unhashed: Omit<TrailEntry, 'hash'> = {
      chain,
      seq: Number(head.seq) + 1,
      at: new Date(now()).toISOString(),
      actor: event.actor,
      action: event.action,
      workspace: event.workspace ?? null,
      target: event.target ?? null,
      outcome: event.outcome,
      address: event.address ?? null,
      details: scrubDetails(event.details),
      prevHash: head.hash,
    };
    const entry: TrailEntry = { ...unhashed, hash: hashEntry(unhashed) };
    await trx
      .insertInto('trail')
      .values({
        chain: entry.chain,
        seq: entry.seq,
        at: entry.at,
        actor: entry.actor,
        action: entry.action,
        workspace: entry.workspace,
        target: entry.target,
        outcome: entry.outcome,
        address: entry.address,
        details_json: JSON.stringify(entry.details),
        prev_hash: entry.prevHash,
        hash: entry.hash,
      })
      .execute();
    await trx.updateTable('trail_heads').set({ seq: entry.seq, hash: entry.hash }).where('chain', '=', chain).execute();
    return entry;
  });
}
