import { z } from 'zod';
import type { TrailTable } from './team-schema.js';
import { entryFields, type TrailEntry, type TrailRecordFields } from './trail-chain.js';

/**
 * A trail entry as the world sees it: the API's answers, `trail export` (jsonl and csv) and the offline check of an
 * export all use this one shape, with the database's column names (`prev_hash`, not `prevHash`).
 */
export type TrailRecord = TrailRecordFields;

export function trailRecord(entry: TrailEntry): TrailRecord {
  return { ...entryFields(entry), hash: entry.hash };
}

/**
 * A row of the `trail` table as an entry. A `details_json` that is not a JSON object (someone wrote to the table
 * by hand) keeps its text under `unparseable`, so that its hash no longer matches and verification says so.
 */
export function entryFromRow(row: TrailTable): TrailEntry {
  return {
    chain: row.chain,
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    workspace: row.workspace,
    target: row.target,
    outcome: row.outcome,
    address: row.address,
    details: parseDetails(row.details_json),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through: not JSON
  }
  return { unparseable: text };
}

export const TrailRecordSchema = z.object({
  chain: z.string().min(1),
  seq: z.number().int().min(1),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  workspace: z.string().nullable(),
  target: z.string().nullable(),
  outcome: z.string(),
  address: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prev_hash: z.string(),
  hash: z.string(),
});

export function entryFromRecord(record: z.infer<typeof TrailRecordSchema>): TrailEntry {
  const { prev_hash: prevHash, ...rest } = record;
  return { ...rest, prevHash };
}
