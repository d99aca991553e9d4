import type BetterSqlite3 from 'better-sqlite3';
import type { TeamStore } from './open-team-db.js';
import type { TeamDb } from './team-schema.js';
import { entryFields, GENESIS_HASH, hashEntry, scrubDetails, type TrailEntry, type TrailEvent } from './trail-chain.js';

/** The chain of entries that belong to no workspace: sign-ins, tokens, users. */
export const SERVER_CHAIN = 'server';

/** Entries written in one transaction at most: far below SQLite's and PostgreSQL's limits on bound values. */
const MAX_BATCH = 200;

interface Pending {
  event: TrailEvent;
  at: string;
  resolve: (entry: TrailEntry) => void;
  reject: (err: unknown) => void;
}

interface ChainQueue {
  pending: Pending[];
  flushing: boolean;
}

const queues = new WeakMap<TeamStore, Map<string, ChainQueue>>();

/**
 * Appends one event to its chain (the workspace's id, or `server`). Events of one chain that arrive while a
 * write is in progress are written together by the next one (group commit): one transaction locks the chain's
 * head (PostgreSQL `FOR UPDATE`, so that other server processes wait too; SQLite serialises writers), gives each
 * entry the next sequence number and the previous entry's hash, inserts them all and moves the head. Two writers
 * never fork a chain, and fifty members asking at once cost one transaction, not fifty. The promise settles once
 * the entry is committed.
 */
export function appendTrail(
  store: TeamStore,
  chain: string,
  event: TrailEvent,
  now: () => number = Date.now,
): Promise<TrailEntry> {
  let chains = queues.get(store);
  if (!chains) queues.set(store, (chains = new Map()));
  let queue = chains.get(chain);
  if (!queue) chains.set(chain, (queue = { pending: [], flushing: false }));
  const q = queue;
  return new Promise<TrailEntry>((resolve, reject) => {
    q.pending.push({ event, at: new Date(now()).toISOString(), resolve, reject });
    if (!q.flushing) void flush(store, chain, q);
  });
}

async function flush(store: TeamStore, chain: string, queue: ChainQueue): Promise<void> {
  queue.flushing = true;
  try {
    while (queue.pending.length > 0) {
      const batch = queue.pending.splice(0, MAX_BATCH);
      try {
        const entries = await writeBatch(store, chain, batch);
        batch.forEach((p, i) => p.resolve(entries[i] as TrailEntry));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
  } finally {
    queue.flushing = false;
  }
}

function chainEntries(
  chain: string,
  head: { seq: number | string; hash: string },
  batch: readonly Pending[],
): TrailEntry[] {
  let seq = Number(head.seq);
  let prevHash = head.hash;
  return batch.map(({ event, at }): TrailEntry => {
    const unhashed: Omit<TrailEntry, 'hash'> = {
      chain,
      seq: (seq += 1),
      at,
      actor: event.actor,
      action: event.action,
      workspace: event.workspace ?? null,
      target: event.target ?? null,
      outcome: event.outcome,
      address: event.address ?? null,
      details: scrubDetails(event.details),
      prevHash,
    };
    const entry = { ...unhashed, hash: hashEntry(unhashed) };
    prevHash = entry.hash;
    return entry;
  });
}

function trailRow(entry: TrailEntry): TrailTableRow {
  const { details, ...fields } = entryFields(entry);
  return { ...fields, details_json: JSON.stringify(details), hash: entry.hash };
}

type TrailTableRow = Omit<ReturnType<typeof entryFields>, 'details'> & { details_json: string; hash: string };

function writeBatch(store: TeamStore, chain: string, batch: readonly Pending[]): Promise<TrailEntry[]> {
  const sqlite = store.sqlite;
  if (sqlite) {
    // SQLite: the whole batch in one synchronous better-sqlite3 transaction, while holding Kysely's one connection. A
    // Kysely transaction would keep that connection across four awaits, and every other request's query waits
    // behind it (measured in bench/server: half of the closed-loop tail, and half the throughput).
    return store.db.connection().execute(() => Promise.resolve(sqliteWriterOf(sqlite).write(chain, batch)));
  }
  return store.db.transaction().execute(async (trx: TeamDb) => {
    await trx
      .insertInto('trail_heads')
      .values({ chain, seq: 0, hash: GENESIS_HASH })
      .onConflict((oc) => oc.column('chain').doNothing())
      .execute();
    let headQuery = trx.selectFrom('trail_heads').select(['seq', 'hash']).where('chain', '=', chain);
    if (store.kind === 'postgres') headQuery = headQuery.forUpdate();
    const head = await headQuery.executeTakeFirstOrThrow();
    const entries = chainEntries(chain, head, batch);
    const last = entries[entries.length - 1] as TrailEntry;
    await trx.insertInto('trail').values(entries.map(trailRow)).execute();
    await trx.updateTable('trail_heads').set({ seq: last.seq, hash: last.hash }).where('chain', '=', chain).execute();
    return entries;
  });
}

interface SqliteTrailWriter {
  /** One IMMEDIATE transaction: the chain's head, the batch's entries, the head moved. */
  write(chain: string, batch: readonly Pending[]): TrailEntry[];
}

const sqliteWriters = new WeakMap<BetterSqlite3.Database, SqliteTrailWriter>();

/**
 * The trail's statements and transaction, prepared once per database: a batch is often one entry (a request alone),
 * and preparing four statements and a transaction wrapper for each cost more than writing it (bench/server).
 */
function sqliteWriterOf(sqlite: BetterSqlite3.Database): SqliteTrailWriter {
  const known = sqliteWriters.get(sqlite);
  if (known) return known;
  const ensureHead = sqlite.prepare(
    'INSERT INTO trail_heads (chain, seq, hash) VALUES (?, 0, ?) ON CONFLICT (chain) DO NOTHING',
  );
  const readHead = sqlite.prepare('SELECT seq, hash FROM trail_heads WHERE chain = ?');
  const moveHead = sqlite.prepare('UPDATE trail_heads SET seq = ?, hash = ? WHERE chain = ?');
  // Named by the first row's columns, which every row has.
  let insert: BetterSqlite3.Statement | undefined;
  const transaction = sqlite.transaction((chain: string, batch: readonly Pending[]): TrailEntry[] => {
    ensureHead.run(chain, GENESIS_HASH);
    const head = readHead.get(chain) as { seq: number; hash: string } | undefined;
    if (!head) throw new Error(`trail head of chain ${chain} missing after insert`);
    const entries = chainEntries(chain, head, batch);
    for (const row of entries.map(trailRow)) {
      if (!insert) {
        const columns = Object.keys(row);
        insert = sqlite.prepare(
          `INSERT INTO trail (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
        );
      }
      insert.run(row);
    }
    const last = entries[entries.length - 1] as TrailEntry;
    moveHead.run(last.seq, last.hash, chain);
    return entries;
  });
  const writer: SqliteTrailWriter = { write: (chain, batch) => transaction.immediate(chain, batch) };
  sqliteWriters.set(sqlite, writer);
  return writer;
}
