import { z } from 'zod';
import { TrailRecordSchema, verifyTrailExport, type TrailVerification } from '../../core/team/index.js';
import type { CliContext } from '../context.js';
import { parseWith } from '../team/parse-with.js';
import { openSignedIn } from '../team/signed-in.js';
import type { TrailScope, TrailSource } from './trail-source.js';

const HeadSchema = z.object({ seq: z.number(), hash: z.string() });
const BreakSchema = z.object({
  chain: z.string(),
  seq: z.number(),
  reason: z.enum(['content changed', 'missing entry', 'reordered', 'broken link', 'chain head mismatch']),
  message: z.string(),
});
const VerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number(),
  chains: z.array(
    z.object({
      chain: z.string(),
      workspace: z.string().nullable(),
      ok: z.boolean(),
      checked: z.number(),
      head: HeadSchema.nullable(),
      from_seq: z.number(),
      first_broken: BreakSchema.optional(),
    }),
  ),
  first_broken: BreakSchema.optional(),
});
const ListSchema = z.object({ entries: z.array(TrailRecordSchema), next: z.string().optional() });
const HeadDocumentSchema = z.object({
  crossbar_trail_head: z.literal(1),
  exported_at: z.string(),
  heads: z.array(HeadSchema.extend({ chain: z.string() })),
});

function query(scope: TrailScope, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  if (scope.workspace !== undefined) params.set('workspace', scope.workspace);
  if (scope.serverChain) params.set('chain', 'server');
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Text chunks as lines (the last one without its newline, when the text does not end with one). */
async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    yield* parts;
  }
  if (rest) yield rest;
}

/**
 * The trail of the team server this CLI is signed in to (`crossbar login`): what the caller may read there. With
 * `--head`, verification happens here, on a full jsonl export, so that the heads kept elsewhere are checked by
 * this program and not by the server they are meant to check.
 */
export async function openServerTrailSource(ctx: CliContext): Promise<TrailSource> {
  const { client } = await openSignedIn(ctx);
  return {
    where: `the server ${client.url}`,
    list: (scope, filters) =>
      client.get(
        `/api/trail${query(scope, { since: filters.since, who: filters.who, action: filters.action, limit: filters.limit, before: filters.before })}`,
        parseWith(ListSchema),
      ),
    async verify(scope, anchors): Promise<TrailVerification> {
      if (!anchors) return client.get(`/api/trail/verify${query(scope)}`, parseWith(VerificationSchema));
      return verifyTrailExport(linesOf(client.stream(`/api/trail/export${query(scope, { format: 'jsonl' })}`)), {
        source: `the export of ${client.url}`,
        anchors: anchors.heads,
        anchorSource: anchors.source,
      });
    },
    head: (scope) => client.get(`/api/trail/head${query(scope)}`, parseWith(HeadDocumentSchema)),
    async export(scope, options, write) {
      for await (const chunk of client.stream(
        `/api/trail/export${query(scope, { format: options.format, since: options.since })}`,
      ))
        await write(chunk);
    },
    close: () => Promise.resolve(),
  };
}
