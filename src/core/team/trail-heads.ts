import { z } from 'zod';
import { CrossbarError } from '../errors.js';
import type { ChainHead } from './check-chain.js';
import type { TeamStore } from './open-team-db.js';

/** A chain's head, named: one line of an export, one item of a head file. */
export interface NamedHead extends ChainHead {
  chain: string;
}

/**
 * The heads, exported: what `crossbar trail head --out FILE` (and `GET /api/trail/head`) writes, and
 * `crossbar trail verify --head FILE` checks the trail against later. Kept away from the server (a ticket, a
 * mailbox, a write-once bucket), it is what catches a trail rewritten from some point on with recomputed hashes,
 * or cut short with its `trail_heads` reset: the database alone cannot tell those from a genuine trail.
 */
export interface HeadDocument {
  crossbar_trail_head: 1;
  exported_at: string;
  heads: NamedHead[];
}

/** The recorded heads, by chain (of `chains` only, when given). */
export async function loadTrailHeads(store: TeamStore, chains?: readonly string[]): Promise<Map<string, ChainHead>> {
  let query = store.db.selectFrom('trail_heads').select(['chain', 'seq', 'hash']).orderBy('chain');
  if (chains) {
    if (chains.length === 0) return new Map();
    query = query.where('chain', 'in', chains);
  }
  const rows = await query.execute();
  return new Map(rows.map((r) => [r.chain, { seq: Number(r.seq), hash: r.hash }]));
}

export function headDocument(heads: ReadonlyMap<string, ChainHead>, now: number): HeadDocument {
  return {
    crossbar_trail_head: 1,
    exported_at: new Date(now).toISOString(),
    heads: [...heads].map(([chain, head]) => ({ chain, seq: head.seq, hash: head.hash })),
  };
}

const NamedHeadSchema = z.object({
  chain: z.string().min(1),
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
const HeadDocumentSchema = z.object({ crossbar_trail_head: z.literal(1), heads: z.array(NamedHeadSchema) });
const HeadLineSchema = NamedHeadSchema.extend({ type: z.literal('head') });

/**
 * The heads in a head file: a head document (`crossbar trail head`), or a jsonl export, whose `head` lines are
 * the heads at the time of the export.
 */
export function parseHeadFile(text: string, source: string): Map<string, ChainHead> {
  const bad = (why: string) =>
    new CrossbarError('USAGE', `${source} is not a trail head file: ${why}`, {
      hint: 'pass what `crossbar trail head --out FILE` or `crossbar trail export --format jsonl` wrote',
    });
  const whole = wholeJson(text);
  const heads = whole !== undefined ? parseDocument(whole, bad) : parseHeadLines(text, bad);
  if (heads.length === 0) throw bad('it names no chain');
  return new Map(heads.map((h) => [h.chain, { seq: h.seq, hash: h.hash }]));
}

/** The file as one JSON value, or undefined when it is not one (jsonl). */
function wholeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function parseDocument(value: unknown, bad: (why: string) => CrossbarError): NamedHead[] {
  const parsed = HeadDocumentSchema.safeParse(value);
  if (parsed.success) return parsed.data.heads;
  const line = HeadLineSchema.safeParse(value);
  if (line.success) return [line.data];
  throw bad('no heads in it');
}

function parseHeadLines(text: string, bad: (why: string) => CrossbarError): NamedHead[] {
  const heads: NamedHead[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw bad(`line ${index + 1} is not JSON`);
    }
    if ((value as { type?: unknown } | null)?.type !== 'head') continue;
    const parsed = HeadLineSchema.safeParse(value);
    if (!parsed.success) throw bad(`line ${index + 1} is not a valid head line`);
    heads.push(parsed.data);
  }
  return heads;
}
