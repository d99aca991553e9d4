import { z } from 'zod';
import { CrossbarError } from '../errors.js';
import { createChainCheck, type ChainCheck, type ChainHead } from './check-chain.js';
import type { TrailVerification } from './verify-trail.js';
import { byChain } from './chain-order.js';
import { entryFromRecord, TrailRecordSchema } from './trail-record.js';

const HeaderSchema = z.object({ type: z.literal('export'), since: z.string().nullable() });
const EntryLineSchema = TrailRecordSchema.extend({ type: z.literal('entry') });
const HeadLineSchema = z.object({
  type: z.literal('head'),
  chain: z.string().min(1),
  seq: z.number().int().min(0),
  hash: z.string(),
});

export interface VerifyExportOptions {
  anchors?: ReadonlyMap<string, ChainHead> | undefined;
  anchorSource?: string | undefined;
  /** The file's name, for messages. */
  source?: string | undefined;
}

/**
 * Verifies a jsonl export (`crossbar trail export --format jsonl`) with no database and no server: each chain's
 * entries as `verifyTrail` checks the database's, each ending at the chain's head line. A whole export (its header
 * says `since: null`) must start every chain at entry 1; a windowed one starts each chain at its first entry, whose
 * prev_hash is taken on trust (the result's `from_seq` says where).
 */
export async function verifyTrailExport(
  lines: AsyncIterable<string> | Iterable<string>,
  options: VerifyExportOptions = {},
): Promise<TrailVerification> {
  const source = options.source ?? 'the export';
  const checks = new Map<string, ChainCheck>();
  const names = new Map<string, string | null>();
  const heads = new Map<string, ChainHead>();
  let windowed: boolean | undefined;
  let number = 0;
  const damaged = (why: string) =>
    new CrossbarError('INVALID', `${source} line ${number}: ${why}`, {
      hint: 'pass a file `crossbar trail export --format jsonl` wrote, unchanged',
    });
  const checkOf = (chain: string, firstSeq: number): ChainCheck => {
    let check = checks.get(chain);
    if (!check) {
      check = createChainCheck(chain, {
        startSeq: windowed ? firstSeq : 1,
        anchor: options.anchors?.get(chain),
        anchorSource: options.anchorSource,
      });
      checks.set(chain, check);
    }
    return check;
  };
  for await (const line of lines) {
    number += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw damaged('not JSON');
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (windowed === undefined) {
      const header = HeaderSchema.safeParse(value);
      if (!header.success) throw damaged('the export does not start with its header line (type "export")');
      windowed = header.data.since !== null;
      continue;
    }
    if (type === 'entry') {
      const parsed = EntryLineSchema.safeParse(value);
      if (!parsed.success) throw damaged('not a trail entry');
      const { type: _type, ...record } = parsed.data;
      if (!names.get(record.chain)) names.set(record.chain, record.workspace);
      checkOf(record.chain, record.seq).add(entryFromRecord(record));
    } else if (type === 'head') {
      const parsed = HeadLineSchema.safeParse(value);
      if (!parsed.success) throw damaged('not a head line');
      heads.set(parsed.data.chain, { seq: parsed.data.seq, hash: parsed.data.hash });
    } else throw damaged(`unknown line type ${JSON.stringify(type)}`);
  }
  if (windowed === undefined) throw new CrossbarError('INVALID', `${source} is empty`, { hint: 'export again' });
  for (const [chain, head] of heads) if (!checks.has(chain)) checkOf(chain, windowed ? head.seq + 1 : 1);
  const chains = [...checks.keys()].sort(byChain).map((chain) => ({
    ...(checks.get(chain) as ChainCheck).finish(heads.get(chain)),
    workspace: names.get(chain) ?? null,
  }));
  const broken = chains.find((c) => !c.ok);
  return {
    ok: broken === undefined,
    checked: chains.reduce((sum, c) => sum + c.checked, 0),
    chains,
    ...(broken?.first_broken ? { first_broken: broken.first_broken } : {}),
  };
}
