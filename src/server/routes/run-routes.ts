import type { Hono } from 'hono';
import { CrossbarError } from '../../core/errors.js';
import { findRun, listRuns, readRunResults, type RunCursor, type RunRecord } from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { notFound } from '../http-error.js';
import { runHubOf } from '../runs/run-hub-of.js';
import { resultView, runView } from '../runs/run-views.js';
import { startRun } from '../runs/start-run.js';
import { streamRunEvents } from '../runs/stream-run-events.js';
import { workspaceFor } from '../workspace-access.js';

const LIST_DEFAULT = 50;
const LIST_MAX = 200;
const RESULTS_MAX = 1000;

/**
 * Runs through the server (issue 10 item 5):
 * - `POST /api/workspaces/:ws/runs` (operator+): a fan-out `run` of a read operation, or an `inventory sync`;
 * - `GET /api/workspaces/:ws/runs` (viewer+): newest first, `?limit=` (default 50, at most 200) and `?before=`
 *   (the `next` of the previous page);
 * - `GET …/runs/:id` (viewer+): status, counts and results (values included), `?after=SEQ&limit=` (at most 1000);
 * - `GET …/runs/:id/events` (viewer+): Server-Sent Events (stream-run-events.ts), resuming after `Last-Event-ID`
 *   or `?after=SEQ`.
 * Another workspace's run is a 404, as if it did not exist.
 */
export function registerRunRoutes(app: Hono<AppEnv>): void {
  app.post('/api/workspaces/:ws/runs', (c) => startRun(c));

  app.get('/api/workspaces/:ws/runs', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'runs.read');
    const limit = intParam(c, 'limit', LIST_DEFAULT, 1, LIST_MAX);
    const before = decodeCursor(c.req.query('before'));
    const page = await listRuns(c.get('deps').store, access.workspace.id, { limit, before });
    return c.json({ runs: page.runs.map(runView), next: page.next ? encodeCursor(page.next) : null });
  });

  app.get('/api/workspaces/:ws/runs/:id', async (c) => {
    const run = await runOf(c);
    const after = intParam(c, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(c, 'limit', RESULTS_MAX, 1, RESULTS_MAX);
    const results = await readRunResults(c.get('deps').store, run.id, { after, limit });
    const last = results[results.length - 1];
    return c.json({
      run: runView(run),
      results: results.map(resultView),
      next_after: results.length === limit && last ? last.seq : null,
    });
  });

  app.get('/api/workspaces/:ws/runs/:id/events', async (c) => {
    const run = await runOf(c);
    const resumeAt = c.req.header('last-event-id') ?? c.req.query('after') ?? '0';
    const after = /^\d{1,15}$/.test(resumeAt) ? Number(resumeAt) : 0;
    return streamRunEvents(c, run, runHubOf(c.get('deps')), after);
  });
}

async function runOf(c: AppContext): Promise<RunRecord> {
  const access = await workspaceFor(c, c.req.param('ws') ?? '', 'runs.read');
  const id = c.req.param('id') ?? '';
  const run = /^[\w-]{1,64}$/.test(id) ? await findRun(c.get('deps').store, access.workspace.id, id) : undefined;
  if (!run) throw notFound(`the run ${id.slice(0, 64)} of ${access.workspace.name}`);
  return run;
}

function intParam(c: AppContext, name: string, fallback: number, min: number, max: number): number {
  const text = c.req.query(name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d{1,16}$/.test(text) || n < min || n > max)
    throw new CrossbarError('INVALID', `?${name}= must be a whole number from ${min} to ${max}`, {
      hint: `e.g. ?${name}=${fallback}`,
    });
  return n;
}

function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id])).toString('base64url');
}

function decodeCursor(text: string | undefined): RunCursor | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string')
      return { startedAt: value[0], id: value[1] };
  } catch {
    // falls through to the refusal
  }
  throw new CrossbarError('INVALID', '?before= is not a cursor this server gave out', {
    hint: 'pass the `next` of the previous page as it is, or leave it out for the newest runs',
  });
}
