import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { countRunResults, findRun, readRunResults, type RunRecord } from '../../core/team/index.js';
import type { AppContext } from '../app-env.js';
import type { RunHub } from './run-hub.js';
import { summaryView, targetView } from './run-views.js';

/** Results read from the database at once while replaying. */
const PAGE = 500;
/** A quiet stream of a live run sends a comment this often, so that proxies keep it open. */
const KEEPALIVE_MS = 15_000;
/** A run this process does not run (another server of the same database) is polled this often. */
const POLL_MS = 1_000;

/**
 * `GET …/runs/:id/events`: Server-Sent Events of a run. One `target` event per finished target (its `id` is the
 * result's seq), a `progress` event after each batch, and a final `summary` event, then the stream closes. A
 * client that connects late gets the finished targets first (from the database), then the live ones; a client
 * that reconnects with `Last-Event-ID` (or `?after=`) gets only what it missed. The database is the one source:
 * a result is stored before it is announced, so replay and live never skip or repeat a target.
 */
export function streamRunEvents(c: AppContext, first: RunRecord, hub: RunHub, after: number): Response {
  const { store, log } = c.get('deps');
  return streamSSE(c, async (stream) => {
    try {
      await replayAndFollow(stream);
    } catch (err) {
      // Headers are gone: the stream says it broke, in the API's words; the cause goes to the server's log.
      log?.(`events of run ${first.id} failed: ${err instanceof Error ? err.message : String(err)}`);
      await send(stream, 'error', { code: 'ERROR', message: 'the server failed to read this run; its log says why' });
    }
  });

  async function replayAndFollow(stream: SSEStreamingApi): Promise<void> {
    const closed = new AbortController();
    stream.onAbort(() => closed.abort());
    let last = after;
    const tally = after > 0 ? await countRunResults(store, first.id, after) : { ok: 0, failed: 0 };
    let run: RunRecord = first;
    const progress = (): Promise<void> =>
      send(stream, 'progress', {
        done: tally.ok + tally.failed,
        ok: tally.ok,
        failed: tally.failed,
        total: run.targetCount,
      });
    /** Sends every stored result past `last`; returns whether there were any. */
    const drain = async (): Promise<boolean> => {
      let any = false;
      for (;;) {
        const rows = await readRunResults(store, run.id, { after: last, limit: PAGE });
        for (const row of rows) {
          await send(stream, 'target', targetView(row), String(row.seq));
          if (row.ok) tally.ok += 1;
          else tally.failed += 1;
          last = row.seq;
        }
        any ||= rows.length > 0;
        if (rows.length < PAGE || closed.signal.aborted) return any;
      }
    };
    // The first count goes out after the replay, so that a late client sees where the run stands at once.
    let opening = true;
    while (!closed.signal.aborted) {
      const version = hub.version(run.id);
      const news = (await drain()) || opening;
      opening = false;
      run = (await findRun(store, run.workspaceId, run.id)) ?? run;
      if (run.status !== 'running') {
        // Every result is stored before the run ends: one more read has the last of them.
        if ((await drain()) || news) await progress();
        await send(stream, 'summary', summaryView(run));
        return;
      }
      if (news) await progress();
      const live = hub.isRunning(run.id);
      const woke = await hub.wait(run.id, version, live ? KEEPALIVE_MS : POLL_MS, closed.signal);
      if (woke === 'timeout' && live) await stream.write(': keep-alive\n\n');
    }
  }
}

function send(stream: SSEStreamingApi, event: string, data: Record<string, unknown>, id?: string): Promise<void> {
  return stream.writeSSE({ event, data: JSON.stringify(data), ...(id !== undefined ? { id } : {}) });
}
