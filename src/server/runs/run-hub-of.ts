import { hostname } from 'node:os';
import { appendTrail, interruptAbandonedRuns, isoAt } from '../../core/team/index.js';
import type { ServerDeps } from '../server-deps.js';
import { RunHub } from './run-hub.js';

const hubs = new WeakMap<ServerDeps, RunHub>();

/** A running run that has not said it is alive for this long is taken for abandoned by a starting server. */
export const RUN_STALE_MS = 2 * 60_000;

/**
 * The app's runs (one hub per app: its runs live as long as the server process). The runner name is the host and
 * CROSSBAR_HOME, the same at the next start, so that a restarted server knows the runs it left.
 */
export function runHubOf(deps: ServerDeps): RunHub {
  let hub = hubs.get(deps);
  if (!hub) hubs.set(deps, (hub = new RunHub({ runner: `${hostname()}:${deps.home}` })));
  return hub;
}

/**
 * At a server's start: the runs it was running when it stopped (and those of a server that went quiet) are
 * marked interrupted, each with an entry in its workspace's trail. Returns how many.
 */
export async function recoverRuns(deps: ServerDeps): Promise<number> {
  const now = deps.now();
  const ended = await interruptAbandonedRuns(deps.store, {
    runner: runHubOf(deps).runner,
    staleBefore: isoAt(now - RUN_STALE_MS),
    at: isoAt(now),
  });
  for (const run of ended)
    await appendTrail(
      deps.store,
      run.workspaceId,
      {
        actor: 'server',
        action: 'runs.end',
        workspace: run.workspaceName,
        target: run.id,
        outcome: 'failed',
        details: { run_id: run.id, status: 'interrupted', summary: run.summary },
      },
      deps.now,
    );
  return ended.length;
}
