import { GENESIS_HASH, hashEntry, type TrailEntry } from './trail-chain.js';

/**
 * Why a chain does not verify, at the first entry that shows it:
 * - `content changed`: the entry's content (actor, action, details, outcome, time…) no longer gives its hash;
 * - `missing entry`: a sequence number is absent (a deleted row), or the chain ends before its head;
 * - `reordered`: the entry holds what was written at another position (rows swapped, or a seq edited);
 * - `broken link`: the entry does not hold the previous entry's hash (one of the two was rewritten with a
 *   recomputed hash);
 * - `chain head mismatch`: the chain's last entry is not its recorded head (trail_heads edited, or the last entries
 *   rewritten), or not what an exported head says it was.
 */
export type TrailBreakReason =
  'content changed' | 'missing entry' | 'reordered' | 'broken link' | 'chain head mismatch';

export interface TrailBreak {
  chain: string;
  seq: number;
  reason: TrailBreakReason;
  /** One sentence for a person: what is wrong with the entry, and what that means. */
  message: string;
}

/** Where a chain ends (its `trail_heads` row), or where it ended when a head was exported. */
export interface ChainHead {
  seq: number;
  hash: string;
}

export interface ChainVerification {
  chain: string;
  ok: boolean;
  /** Entries that verified before the first break (all of them when ok). */
  checked: number;
  /** The recorded head the chain was checked against (null when the chain has none). */
  head: ChainHead | null;
  /** The first entry checked: 1, unless an export starts later (its first prev_hash is then taken on trust). */
  from_seq: number;
  first_broken?: TrailBreak | undefined;
}

export interface ChainCheckOptions {
  /** Where the entries start when not at 1 (a windowed export): the first entry's seq, and its prev_hash is trusted. */
  startSeq?: number | undefined;
  /** A head exported earlier: the chain must still hold that entry, with that hash. */
  anchor?: ChainHead | undefined;
  anchorSource?: string | undefined;
}

export interface ChainCheck {
  /** Feeds the next entry in seq order; false once the chain is broken (later entries are not looked at). */
  add(entry: TrailEntry): boolean;
  /** No more entries: compares the end with the recorded head (undefined when there is none). */
  finish(head: ChainHead | undefined): ChainVerification;
}

/** How far from its position a moved entry is looked for (a swap is usually local; the search runs once). */
const REORDER_WINDOW = 64;

/**
 * Checks one chain entry by entry, in seq order, holding only the previous entry: the database's chains and an
 * exported file's are checked the same way, in pages, without loading a chain into memory.
 */
export function createChainCheck(chain: string, options: ChainCheckOptions = {}): ChainCheck {
  const fromSeq = options.startSeq ?? 1;
  let last: { seq: number; hash: string } | undefined;
  let checked = 0;
  let broken: TrailBreak | undefined;
  const fail = (seq: number, reason: TrailBreakReason, message: string): false => {
    broken = { chain, seq, reason, message };
    return false;
  };
  const anchorName = options.anchorSource ? `the exported head (${options.anchorSource})` : 'the exported head';

  return {
    add(entry) {
      if (broken) return false;
      const expected = last ? last.seq + 1 : fromSeq;
      if (entry.seq > expected)
        return fail(
          expected,
          'missing entry',
          entry.seq === expected + 1
            ? `entry ${expected} is missing: the chain goes from ${expected - 1} to ${entry.seq} (a deleted row)`
            : `entries ${expected}–${entry.seq - 1} are missing: the chain goes from ${expected - 1} to ${entry.seq} (deleted rows)`,
        );
      if (entry.seq < expected)
        return fail(entry.seq, 'reordered', `entry ${entry.seq} appears again after entry ${expected - 1}`);
      const { hash, ...content } = entry;
      if (hashEntry(content) !== hash) {
        const writtenAs = findWrittenSeq(entry);
        if (writtenAs !== undefined)
          return fail(
            entry.seq,
            'reordered',
            `entry ${entry.seq} holds the entry written as ${writtenAs} (rows swapped or renumbered)`,
          );
        return fail(
          entry.seq,
          'content changed',
          `entry ${entry.seq} (${entry.action} by ${entry.actor} at ${entry.at}) no longer matches its hash: its content was edited after it was written`,
        );
      }
      const prev = last ? last.hash : fromSeq === 1 ? GENESIS_HASH : undefined;
      if (prev !== undefined && entry.prevHash !== prev)
        return fail(
          entry.seq,
          'broken link',
          entry.seq === 1
            ? `entry 1 does not start from the genesis hash: the chain's beginning was rewritten`
            : `entry ${entry.seq} does not hold the hash of entry ${entry.seq - 1}: one of them was rewritten and its hash recomputed`,
        );
      if (options.anchor && entry.seq === options.anchor.seq && hash !== options.anchor.hash)
        return fail(
          entry.seq,
          'chain head mismatch',
          `entry ${entry.seq} is not the one ${anchorName} names: the chain was rewritten up to it`,
        );
      last = { seq: entry.seq, hash };
      checked += 1;
      return true;
    },

    finish(head) {
      const result = (): ChainVerification => ({
        chain,
        ok: broken === undefined,
        checked,
        head: head ? { seq: head.seq, hash: head.hash } : null,
        from_seq: fromSeq,
        ...(broken ? { first_broken: broken } : {}),
      });
      if (broken) return result();
      const lastSeq = last?.seq ?? fromSeq - 1;
      if (head === undefined) {
        if (last) fail(last.seq, 'chain head mismatch', `the chain has entries up to ${last.seq} but no recorded head`);
      } else if (lastSeq < head.seq) {
        const missing = lastSeq + 1;
        fail(
          missing,
          'missing entry',
          missing === head.seq
            ? `entry ${missing} is missing: the chain's head says it ends at ${head.seq}, its last entry is ${lastSeq} (the last row was deleted)`
            : `entries ${missing}–${head.seq} are missing: the chain's head says it ends at ${head.seq}, its last entry is ${lastSeq}`,
        );
      } else if (lastSeq > head.seq) {
        fail(head.seq + 1, 'chain head mismatch', `entries after ${head.seq}, where the chain's head says it ends`);
      } else if (last && last.hash !== head.hash) {
        fail(
          last.seq,
          'chain head mismatch',
          `the chain's recorded head is not the hash of its last entry ${last.seq}: the head or the entry was rewritten`,
        );
      }
      if (!broken && options.anchor && lastSeq < options.anchor.seq)
        fail(
          lastSeq + 1,
          'missing entry',
          `${anchorName} says the chain reached entry ${options.anchor.seq}; it now ends at ${lastSeq}: it was cut short and its head reset`,
        );
      return result();
    },
  };
}

/** The seq an entry was written with, when its content hashes right at another position near its own. */
function findWrittenSeq(entry: TrailEntry): number | undefined {
  const { hash, ...content } = entry;
  for (let distance = 1; distance <= REORDER_WINDOW; distance++) {
    for (const seq of [entry.seq - distance, entry.seq + distance]) {
      if (seq >= 1 && hashEntry({ ...content, seq }) === hash) return seq;
    }
  }
  return undefined;
}
