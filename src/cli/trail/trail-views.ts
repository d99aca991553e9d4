import type { ChainVerification, TrailRecord, TrailVerification } from '../../core/team/index.js';
import type { CliContext } from '../context.js';
import type { Column } from '../render/output.js';

/** The workspace an entry or a chain belongs to, as a person reads it: its name, `server`, or the chain id. */
export function chainLabel(chain: string, workspace: string | null): string {
  return chain === 'server' ? 'server' : (workspace ?? chain);
}

const compact = (details: Record<string, unknown>): string =>
  Object.keys(details).length === 0 ? '' : JSON.stringify(details);

/** `crossbar trail list`: one row per entry; machine formats carry the whole record (hashes included). */
export function entryColumns(ctx: CliContext): Column<TrailRecord>[] {
  const { green, red, yellow } = ctx.colors;
  return [
    { key: 'at', header: 'AT', value: (e) => e.at },
    { key: 'workspace', header: 'WORKSPACE', value: (e) => chainLabel(e.chain, e.workspace) },
    { key: 'seq', header: 'SEQ', value: (e) => e.seq, align: 'right' },
    { key: 'actor', header: 'WHO', value: (e) => e.actor },
    { key: 'action', header: 'ACTION', value: (e) => e.action },
    { key: 'target', header: 'TARGET', value: (e) => e.target },
    {
      key: 'outcome',
      header: 'OUTCOME',
      value: (e) => e.outcome,
      cell: (e) =>
        e.outcome === 'ok' ? green(e.outcome) : e.outcome === 'denied' ? yellow(e.outcome) : red(e.outcome),
    },
    { key: 'address', header: 'FROM', value: (e) => e.address },
    { key: 'details', header: 'DETAILS', value: (e) => compact(e.details) },
    { key: 'chain', header: 'CHAIN', value: (e) => e.chain },
    { key: 'prev_hash', header: 'PREV HASH', value: (e) => e.prev_hash },
    { key: 'hash', header: 'HASH', value: (e) => e.hash },
  ];
}

/** What the table leaves out (the machine formats keep it). */
export const ENTRY_TABLE_HIDDEN = new Set(['chain', 'prev_hash', 'hash']);

type ChainRow = TrailVerification['chains'][number];

/** `crossbar trail verify`: one row per chain. */
export function chainColumns(ctx: CliContext): Column<ChainRow>[] {
  const { green, red } = ctx.colors;
  return [
    { key: 'workspace', header: 'WORKSPACE', value: (c) => chainLabel(c.chain, c.workspace) },
    {
      key: 'ok',
      header: 'OK',
      value: (c) => c.ok,
      cell: (c) => (c.ok ? green('✓ verified') : red('✗ broken')),
    },
    { key: 'checked', header: 'ENTRIES', value: (c) => c.checked, align: 'right' },
    { key: 'from_seq', header: 'FROM', value: (c) => c.from_seq, align: 'right' },
    { key: 'head_seq', header: 'HEAD', value: (c) => c.head?.seq ?? null, align: 'right' },
    {
      key: 'head_hash',
      header: 'HEAD HASH',
      value: (c) => c.head?.hash ?? null,
      cell: (c) => c.head?.hash.slice(0, 12) ?? '-',
    },
    { key: 'broken_seq', header: 'BROKEN AT', value: (c) => c.first_broken?.seq ?? null, align: 'right' },
    {
      key: 'reason',
      header: 'REASON',
      value: (c) => c.first_broken?.reason ?? null,
      cell: (c) => red(c.first_broken?.reason ?? ''),
    },
    { key: 'message', header: 'WHAT', value: (c) => c.first_broken?.message ?? null },
    { key: 'chain', header: 'CHAIN', value: (c) => c.chain },
  ];
}

export const CHAIN_TABLE_HIDDEN = new Set(['chain', 'from_seq', 'message']);

/** The one line that names the first broken entry: chain, seq, what changed. */
export function brokenLine(result: TrailVerification): string | undefined {
  const broken = result.first_broken;
  if (!broken) return undefined;
  const chain: ChainVerification | undefined = result.chains.find((c) => c.chain === broken.chain);
  const workspace = (chain as ChainRow | undefined)?.workspace ?? null;
  const label = chainLabel(broken.chain, workspace);
  const named = label === broken.chain ? `chain ${label}` : `${label} (chain ${broken.chain})`;
  return `trail broken: ${named}, entry ${broken.seq}: ${broken.reason}: ${broken.message}`;
}
