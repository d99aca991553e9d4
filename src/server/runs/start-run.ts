import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import { workspaceInventoryPath } from '../../core/inventory/index.js';
import {
  appendTrail,
  executeRun,
  findRun,
  insertRun,
  isoAt,
  newId,
  runLabel,
  RunRequestSchema,
  storableRequest,
  type RunEnd,
  type RunRequest,
} from '../../core/team/index.js';
import type { AppContext } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { readJson } from '../read-json.js';
import { memberRoot } from '../member-root.js';
import { recordWorkspaceTrail, workspaceFor, type WorkspaceAccess } from '../workspace-access.js';
import { prepareRun, type PreparedRun } from './prepare-run.js';
import { runHubOf } from './run-hub-of.js';
import { runView } from './run-views.js';

/**
 * `POST /api/workspaces/:ws/runs`: checks the run (prepare-run.ts) before any AWS call, records it, starts it in
 * the background under the member's own credentials (vended through the workspace's connection, SourceIdentity =
 * the member) and answers 202 with its id at once. Every start and every refusal goes in the workspace's trail;
 * the run's end goes there too, with its counts.
 */
export async function startRun(c: AppContext): Promise<Response> {
  const access = await workspaceFor(c, c.req.param('ws') ?? '', 'runs.start');
  let request: RunRequest | undefined;
  try {
    request = await readJson(c, RunRequestSchema);
    const prepared = await prepareRun(c, access, request);
    return await launch(c, access, request, prepared);
  } catch (err) {
    if (isCrossbarError(err))
      await recordWorkspaceTrail(c, access, {
        action: 'runs.start',
        outcome: 'denied',
        details: { ...(request ? describeRequest(request) : {}), code: err.code, reason: err.message },
      });
    throw err;
  }
}

async function launch(
  c: AppContext,
  access: WorkspaceAccess,
  request: RunRequest,
  prepared: PreparedRun,
): Promise<Response> {
  const deps = c.get('deps');
  const principal = requireUser(c);
  const hub = runHubOf(deps);
  hub.checkCapacity();
  const root = memberRoot(c, access);
  const id = newId();
  const { workspace } = access;
  await insertRun(deps.store, {
    id,
    workspaceId: workspace.id,
    userId: principal.userId,
    request: storableRequest(request),
    startedAt: isoAt(deps.now()),
    runner: hub.runner,
    targetCount: prepared.targetCount,
  });
  const described = { run_id: id, ...describeRequest(request), accounts: prepared.targets.length };
  await recordWorkspaceTrail(c, access, { action: 'runs.start', outcome: 'ok', target: id, details: described });
  const address = c.get('address');
  // executeRun calls this before it stores the run's end, and throws only after (storing the end failed).
  const recordEnd = async (end: RunEnd): Promise<void> => {
    await appendTrail(
      deps.store,
      workspace.id,
      {
        actor: access.member.username,
        action: 'runs.end',
        workspace: workspace.name,
        target: id,
        outcome: end.status === 'finished' ? 'ok' : 'failed',
        address,
        details: {
          run_id: id,
          status: end.status,
          ok: end.counts.ok,
          failed: end.counts.failed,
          by_code: end.counts.byCode,
          summary: end.summary,
        },
      },
      deps.now,
    ).catch((err: unknown) => deps.log?.(`the end of run ${id} is not in the trail: ${describe(err)}`));
  };
  hub.start(id, async (signal) => {
    try {
      // The trail has the run's end before the run is seen ended (its events' summary, its view).
      const end = await executeRun({
        store: deps.store,
        runId: id,
        plan: prepared.plan,
        accounts: prepared.targets,
        regions: request.regions,
        root,
        now: deps.now,
        signal,
        targetCount: prepared.targetCount,
        inventoryPath: workspaceInventoryPath(deps.home, workspace.id),
        onStored: () => hub.notify(id),
        beforeEnd: recordEnd,
        ...(prepared.plan.kind === 'sync' ? { timeoutMs: 120_000 } : {}),
      });
      if (end.error !== undefined) deps.log?.(`run ${id} failed: ${describe(end.error)}`);
    } catch (err) {
      deps.log?.(`run ${id} could not be recorded: ${describe(err)}`);
    }
  });
  const run = await findRun(deps.store, workspace.id, id);
  if (!run) throw new CrossbarError('ERROR', `run ${id} was not recorded`);
  return c.json({ id, run: runView(run), events: `/api/workspaces/${workspace.name}/runs/${id}/events` }, 202);
}

/** What the trail says of a run: what it does and where, never parameter values (they may be secrets). */
function describeRequest(request: RunRequest): Record<string, unknown> {
  return {
    kind: request.kind,
    label: runLabel(request),
    selector: request.selector,
    regions: request.regions ?? 'configured',
    ...(request.role !== undefined ? { role: request.role } : {}),
    ...(request.kind === 'run' ? { parameters: Object.keys(request.params) } : { types: request.types }),
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
