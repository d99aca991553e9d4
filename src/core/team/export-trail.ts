import type { TeamStore } from './open-team-db.js';
import { loadTrailHeads, type NamedHead } from './trail-heads.js';
import { entryFromRow, trailRecord, type TrailRecord } from './trail-record.js';

export const TRAIL_EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type TrailExportFormat = (typeof TRAIL_EXPORT_FORMATS)[number];

export interface ExportTrailOptions {
  /** The chains to export, whole (from entry 1) or from `since` on. */
  chains: readonly string[];
  format: TrailExportFormat;
  /** ISO timestamp: each chain from its first entry at or after it, to its head (a contiguous run, verifiable). */
  since?: string | undefined;
  /** Receives the export a piece at a time (awaited: a slow reader slows the export, not memory). */
  write: (chunk: string) => void | Promise<void>;
  /** When the export is made, for its first line (jsonl). */
  now?: (() => number) | undefined;
  pageSize?: number | undefined;
}

/** The first line of a jsonl export: whether it starts each chain at entry 1 (`since` null) or later. */
export interface ExportHeader {
  type: 'export';
  crossbar_trail_export: 1;
  exported_at: string;
  since: string | null;
}

const CSV_COLUMNS = [
  'type',
  'chain',
  'seq',
  'at',
  'actor',
  'action',
  'workspace',
  'target',
  'outcome',
  'address',
  'details',
  'prev_hash',
  'hash',
] as const;

/**
 * Writes the chains' entries in seq order, chain after chain, then one line with each chain's head:
 * - jsonl: an `{"type":"export",…}` line (ExportHeader), `{"type":"entry",…}` per entry (the TrailRecord), then `{"type":"head","chain","seq","hash"}` per chain;
 *   `crossbar trail verify --file` re-verifies it offline, and its head lines serve as `--head`;
 * - csv (RFC 4180): a header, a row per entry (details as JSON in one field), then a `head` row per chain.
 * The heads are read first and each chain is exported up to its head, so that entries appended meanwhile do not
 * make an export whose last entry is not its head.
 */
export async function exportTrail(
  store: TeamStore,
  options: ExportTrailOptions,
): Promise<{ entries: number; heads: NamedHead[] }> {
  const heads = await loadTrailHeads(store, options.chains);
  const pageSize = options.pageSize ?? 1000;
  const line = options.format === 'jsonl' ? jsonlLine : csvLine;
  if (options.format === 'csv') await options.write(`${CSV_COLUMNS.join(',')}\n`);
  else {
    const header: ExportHeader = {
      type: 'export',
      crossbar_trail_export: 1,
      exported_at: new Date((options.now ?? Date.now)()).toISOString(),
      since: options.since ?? null,
    };
    await options.write(`${JSON.stringify(header)}\n`);
  }
  let count = 0;
  const exported: NamedHead[] = [];
  for (const chain of options.chains) {
    // A chain without a head (its trail_heads row deleted) is exported whole and without a head line: the
    // offline check then says so, as verifyTrail does.
    const head = heads.get(chain);
    let after = options.since ? (await firstSeqSince(store, chain, options.since)) - 1 : 0;
    for (;;) {
      let query = store.db.selectFrom('trail').selectAll().where('chain', '=', chain).where('seq', '>', after);
      if (head) query = query.where('seq', '<=', head.seq);
      const rows = await query.orderBy('seq').limit(pageSize).execute();
      let chunk = '';
      for (const row of rows) chunk += line({ type: 'entry', ...trailRecord(entryFromRow(row)) });
      if (chunk) await options.write(chunk);
      count += rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) break;
      after = Number(last.seq);
    }
    if (head) exported.push({ chain, seq: head.seq, hash: head.hash });
  }
  let tail = '';
  for (const head of exported) tail += line({ type: 'head', ...head });
  if (tail) await options.write(tail);
  return { entries: count, heads: exported };
}

/** The first seq of a chain at or after `since` (one past the end when none is). */
async function firstSeqSince(store: TeamStore, chain: string, since: string): Promise<number> {
  const row = await store.db
    .selectFrom('trail')
    .select((eb) => eb.fn.min('seq').as('first'))
    .where('chain', '=', chain)
    .where('at', '>=', since)
    .executeTakeFirst();
  return row?.first === null || row?.first === undefined ? Number.MAX_SAFE_INTEGER : Number(row.first);
}

type ExportLine = ({ type: 'entry' } & TrailRecord) | ({ type: 'head' } & NamedHead);

function jsonlLine(value: ExportLine): string {
  return `${JSON.stringify(value)}\n`;
}

function csvLine(value: ExportLine): string {
  const cells: Record<string, unknown> =
    value.type === 'entry' ? { ...value, details: JSON.stringify(value.details) } : { ...value };
  return `${CSV_COLUMNS.map((column) => csvField(cells[column])).join(',')}\n`;
}

/** RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
export function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
