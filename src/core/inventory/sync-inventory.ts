import type { ErrorCode } from '../errors.js';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { callOperation, findOperation, type AwsClient } from '../aws-clients/index.js';
import {
  classifyError,
  clockOf,
  runFanout,
  type FanoutRoot,
  type FanoutAccount,
  type FanoutProgress,
  type FanoutTarget,
  type TargetError,
  type TargetResult,
  type WorkContext,
} from '../fanout/index.js';
import type { InventoryStore, RunOutcome, SliceKey } from './inventory-store.js';
import { readSlice } from './read-slice.js';
import type { CallAws, ResourceType } from './resource-type.js';
import { SlicePlan, sliceContext } from './slice-plan.js';

/**
 * `inventory sync` as a library call: a fan-out over accounts × regions (the engine's targets), each target
 * reading its types at once, so every (account, region, type) slice gets exactly one outcome. A slice read
 * in full replaces its rows at once (one transaction); a slice that failed is recorded in `sync_status` and
 * keeps its old rows. Nothing is printed; progress and slices are reported through callbacks.
 */
export interface SyncInventoryOptions {
  accounts: readonly FanoutAccount[];
  types: readonly ResourceType[];
  /** Region names or `all`; absent: each account's configured regions. */
  regions?: readonly string[] | 'all' | undefined;
  store: InventoryStore;
  /** Store Lambda environment variable values too (secrets on real AWS); by default only their keys. */
  includeEnvValues?: boolean | undefined;
  concurrency?: number;
  perAccount?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
  onSlice?: ((slice: SliceResult) => void) | undefined;
  /** Each target (account × region) once it is done, after its slices were reported (the server's run events). */
  onTarget?: ((result: TargetResult<TargetValue>) => void) | undefined;
  /** Progress in slices. */
  onProgress?: ((progress: FanoutProgress) => void) | undefined;
}

export type SliceResult = { key: SliceKey; ok: true; count: number } | { key: SliceKey; ok: false; error: TargetError };

export interface SyncReport {
  slices: number;
  ok: number;
  failed: number;
  byCode: Partial<Record<ErrorCode, number>>;
  /** Rows written by this sync. */
  resources: number;
  /** AWS API calls made by the readers (pages and per-item calls; not AssumeRole or DescribeRegions). */
  calls: number;
  /** One per target (account × region), for the coverage grid. */
  targets: TargetResult<TargetValue>[];
  /** The failed slices, in the order they were reported. */
  failures: Extract<SliceResult, { ok: false }>[];
  elapsedMs: number;
  interrupted: boolean;
}

export interface TargetValue {
  slices: number;
  resources: number;
}

interface TargetState {
  outcomes: Map<string, { ok: true } | { ok: false; error: TargetError }>;
  /** Set once the engine reported the target: a read finishing later (after a timeout) writes nothing. */
  closed: boolean;
}

/** Engine verdicts that speak for every slice of the target, whatever each slice saw. */
const TARGET_WIDE: ReadonlySet<ErrorCode> = new Set(['REGION_DISABLED', 'TIMEOUT', 'INTERRUPTED']);

function targetKey(t: FanoutTarget): string {
  return `${t.account.name}|${t.role.arn}|${t.region}`;
}

export async function syncInventory(root: FanoutRoot, options: SyncInventoryOptions): Promise<SyncReport> {
  const now = clockOf(root);
  const started = now();
  const plan = new SlicePlan(options.types, options.regions);
  const states = new Map<string, TargetState>();
  const report: SyncReport = {
    slices: 0,
    ok: 0,
    failed: 0,
    byCode: {},
    resources: 0,
    calls: 0,
    targets: [],
    failures: [],
    elapsedMs: 0,
    interrupted: false,
  };
  let knownTargets = 0;
  let inFlight = 0;
  // The run is on record before the first call: a sync that never gets to finishRun (killed) is still seen.
  const runId = options.store.beginRun({
    startedAt: new Date(started).toISOString(),
    pid: process.pid,
    host: hostname(),
    accounts: options.accounts.length,
    types: options.types.map((t) => t.name),
  });
  const finishRun = (outcome: RunOutcome, error?: string): void => {
    options.store.finishRun(runId, {
      finishedAt: new Date(now()).toISOString(),
      outcome,
      slices: report.slices,
      ok: report.ok,
      failed: report.failed,
      resources: report.resources,
      error,
    });
  };

  // Known up front unless `--regions all` discovers the targets as it goes.
  const fixedTotal = options.regions === 'all' ? undefined : plan.expectedSlices(options.accounts, 0);
  const emitProgress = (): void => {
    const total = Math.max(report.slices, fixedTotal ?? plan.expectedSlices(options.accounts, knownTargets));
    const elapsedMs = now() - started;
    const rate = report.slices / Math.max(1, elapsedMs);
    options.onProgress?.({
      total,
      done: report.slices,
      ok: report.ok,
      failed: report.failed,
      inFlight,
      elapsedMs,
      etaMs: rate > 0 ? Math.round((total - report.slices) / rate) : undefined,
    });
  };

  const emit = (slice: SliceResult): void => {
    report.slices += 1;
    if (slice.ok) {
      report.ok += 1;
      report.resources += slice.count;
    } else {
      report.failed += 1;
      report.byCode[slice.error.code] = (report.byCode[slice.error.code] ?? 0) + 1;
      report.failures.push(slice);
    }
    try {
      options.onSlice?.(slice);
    } catch {
      // A listener's bug must not lose the other slices.
    }
    emitProgress();
  };

  /**
   * Each call (each page) counted once, as it is sent. The engine's clients are pooled and shared (a bucket's
   * tags go through the client of the bucket's region), so the count is kept on a view of the client rather
   * than on the client: a view keeps the client's class, which the SDK's paginators check.
   */
  const counted = (client: AwsClient): AwsClient => {
    const view: AwsClient = Object.create(client) as AwsClient;
    return Object.assign(view, {
      send: (...args: Parameters<AwsClient['send']>) => {
        report.calls += 1;
        return client.send(...args);
      },
    });
  };

  const work = async (target: FanoutTarget, ctx: WorkContext): Promise<TargetValue> => {
    // Every call of the target listens to its signal: a dozen at once here (types × per-item calls), not a leak.
    setMaxListeners(0, ctx.signal);
    const state: TargetState = { outcomes: new Map(), closed: false };
    states.set(targetKey(target), state);
    // A call can go to another region than the target's (a bucket's tags): the engine's pooled client there.
    const call: CallAws = async (service, operation, input = {}, callOptions = {}) => {
      const client = counted(await ctx.client(service, { region: callOptions.region }));
      return callOperation(client, await findOperation(service, operation), input, { signal: ctx.signal });
    };
    const types = plan.typesFor(target);
    const sliceCtx = sliceContext(target);
    let resources = 0;
    const raw: unknown[] = [];
    await Promise.all(
      types.map(async (type) => {
        inFlight += 1;
        try {
          const rows = await readSlice(type, call, sliceCtx, { includeEnvValues: options.includeEnvValues });
          if (state.closed || ctx.signal.aborted) return;
          const key = plan.sliceKey(type, target);
          options.store.replaceSlice(key, rows, new Date(now()).toISOString());
          state.outcomes.set(type.name, { ok: true });
          resources += rows.length;
          emit({ key, ok: true, count: rows.length });
        } catch (err) {
          raw.push(err);
          state.outcomes.set(type.name, { ok: false, error: classifyError(err) });
        } finally {
          inFlight -= 1;
        }
      }),
    );
    if (raw.length === 0) return { slices: types.length, resources };
    // The engine classifies the target from the first error as it was thrown: only it can tell a region the
    // account has not enabled (REGION_DISABLED, which then speaks for every failed slice) from a denial.
    throw raw[0];
  };

  const onResult = (result: TargetResult<TargetValue>): void => {
    report.targets.push(result);
    const key = targetKey(result.target);
    const state = states.get(key);
    states.delete(key);
    if (state) state.closed = true;
    if (!result.ok) recordFailedSlices(result, state);
    try {
      options.onTarget?.(result);
    } catch {
      // A listener's bug must not lose the other targets.
    }
  };

  const recordFailedSlices = (result: Extract<TargetResult<TargetValue>, { ok: false }>, state?: TargetState): void => {
    const syncedAt = new Date(now()).toISOString();
    for (const type of plan.typesFor(result.target)) {
      const outcome = state?.outcomes.get(type.name);
      if (outcome?.ok) continue;
      const error = outcome && !TARGET_WIDE.has(result.error.code) ? outcome.error : result.error;
      const sliceKey = plan.sliceKey(type, result.target);
      options.store.recordFailure(
        sliceKey,
        { code: error.code, message: error.message, awsCode: error.awsCode },
        syncedAt,
      );
      emit({ key: sliceKey, ok: false, error });
    }
  };

  const run = runFanout<TargetValue>(root, {
    accounts: options.accounts,
    regions: options.regions,
    work,
    buffer: false,
    onResult,
    onProgress: (p) => {
      knownTargets = p.total;
      emitProgress();
    },
    concurrency: options.concurrency,
    perAccount: options.perAccount,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    signal: options.signal,
  });
  try {
    await run.done;
  } catch (err) {
    finishRun('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
  report.elapsedMs = now() - started;
  report.interrupted = options.signal?.aborted === true;
  finishRun(report.interrupted ? 'interrupted' : 'finished');
  return report;
}
