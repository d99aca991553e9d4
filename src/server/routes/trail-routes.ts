import type { Hono } from 'hono';
import { z } from 'zod';
import { CrossbarError } from '../../core/errors.js';
import {
  decodeTrailCursor,
  encodeTrailCursor,
  exportTrail,
  headDocument,
  listTrail,
  loadTrailHeads,
  parseTrailSince,
  TRAIL_EXPORT_FORMATS,
  TRAIL_LIST_MAX,
  trailRecord,
  verifyTrail,
} from '../../core/team/index.js';
import type { AppEnv } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { recordTrail } from '../record-trail.js';
import { readQuery, trailScope, TrailScopeQuerySchema } from '../trail-scope.js';

const ListQuerySchema = TrailScopeQuerySchema.extend({
  since: z.string().max(64).optional(),
  who: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(128).optional(),
  target: z.string().min(1).max(256).optional(),
  limit: z.coerce.number().int().min(1).max(TRAIL_LIST_MAX).optional(),
  before: z.string().max(512).optional(),
}).strict();
const ExportQuerySchema = TrailScopeQuerySchema.extend({
  format: z.enum(TRAIL_EXPORT_FORMATS).default('jsonl'),
  since: z.string().max(64).optional(),
}).strict();
const ScopeOnlySchema = TrailScopeQuerySchema.strict();

/**
 * The trail, for those who may read it (a workspace's admins and owners its chain; server owners the server's):
 * - `GET /api/trail` the newest entries first, filtered (`workspace`, `chain=server`, `since`, `who`, `action`,
 *   `target`, `limit`), with `next` to pass as `before` for older ones;
 * - `GET /api/trail/verify` every chain in scope verified (`{ ok, checked, chains, first_broken? }`);
 * - `GET /api/trail/export?format=jsonl|csv` the chains, whole or from `since`, with each chain's head (streamed);
 * - `GET /api/trail/head` the heads, to keep elsewhere and check later (`crossbar trail verify --head FILE`).
 * Exports are themselves in the trail (`trail.exported`, server chain); reads and verifications are not.
 */
export function registerTrailRoutes(app: Hono<AppEnv>): void {
  app.get('/api/trail', async (c) => {
    const query = readQuery(c, ListQuerySchema);
    const scope = await trailScope(c, query);
    const before = query.before === undefined ? undefined : decodeTrailCursor(query.before);
    if (query.before !== undefined && !before)
      throw new CrossbarError('INVALID', 'bad query parameter before: not a cursor this server gave', {
        hint: "pass the previous page's next",
      });
    const { store, now } = c.get('deps');
    const page = await listTrail(store, {
      chains: [...scope.keys()],
      since: query.since === undefined ? undefined : parseTrailSince(query.since, now()),
      who: query.who,
      action: query.action,
      target: query.target,
      limit: query.limit,
      before,
    });
    return c.json({
      entries: page.entries.map(trailRecord),
      ...(page.next ? { next: encodeTrailCursor(page.next) } : {}),
    });
  });

  app.get('/api/trail/verify', async (c) => {
    const scope = await trailScope(c, readQuery(c, ScopeOnlySchema));
    const result = await verifyTrail(c.get('deps').store, { chains: [...scope.keys()] });
    return c.json(result);
  });

  app.get('/api/trail/head', async (c) => {
    const scope = await trailScope(c, readQuery(c, ScopeOnlySchema));
    const { store, now } = c.get('deps');
    return c.json(headDocument(await loadTrailHeads(store, [...scope.keys()]), now()));
  });

  app.get('/api/trail/export', async (c) => {
    const principal = requireUser(c);
    const query = readQuery(c, ExportQuerySchema);
    const scope = await trailScope(c, query);
    const { store, now, log } = c.get('deps');
    const since = query.since === undefined ? undefined : parseTrailSince(query.since, now());
    await recordTrail(c, {
      actor: principal.username,
      action: 'trail.exported',
      outcome: 'ok',
      details: { format: query.format, since: since ?? null, chains: [...scope.values()].map((n) => n ?? 'server') },
    });
    c.header('Content-Type', query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
    c.header('Content-Disposition', `attachment; filename="crossbar-trail.${query.format}"`);
    // Backpressure: each write waits until the client has read the previous chunk. A failure halfway aborts the
    // response (the client sees it cut, not a clean end); a client that goes away stops the export.
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const encoder = new TextEncoder();
    exportTrail(store, {
      chains: [...scope.keys()],
      format: query.format,
      since,
      now,
      write: (chunk) => writer.write(encoder.encode(chunk)),
    })
      .then(
        () => writer.close(),
        async (err: unknown) => {
          log?.(`GET /api/trail/export failed halfway: ${err instanceof Error ? err.message : String(err)}`);
          await writer.abort(err);
        },
      )
      .catch(() => undefined);
    return c.body(readable);
  });
}
