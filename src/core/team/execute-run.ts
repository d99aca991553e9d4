import { callOperation } from '../aws-clients/index.js';
import { formatSummary, runFanout, type FanoutRoot, type FanoutSummary } from '../fanout/index.js';
import type { FanoutAccount, TargetResult } from '../fanout/types.js';
import { InventoryStore } from '../inventory/inventory-store.js';
import { syncInventory } from '../inventory/sync-inventory.js';
import type { TeamStore } from './open-team-db.js';
import type { RunPlan } from './run-plan.js';
import {
  appendRunResult,
  endRun,
  setRunTargetCount,
  touchRun,
  type NewRunResult,
  type RunStatus,
} from './run-store.js';
import { storedValue } from './redact-output.js';
import { isoAt } from './team-ids.js';

/**
 * Runs a planned run to its end, recording as it goes (issue 10 item 5): each finished target is a row of
 * `run_results` (stored before anyone is told), then the run's end. The fan-out never throws halfway; a failure
 * of the recording itself (the database went away) stops the fan-out and ends the run `failed`. Aborting the
 * signal (the server stopping) reports every unfinished target INTERRUPTED and ends the run `interrupted`.
 */
export interface ExecuteRunOptions {
  store: TeamStore;
  runId: string;
  plan: RunPlan;
  accounts: readonly FanoutAccount[];
  regions: readonly string[] | 'all' | undefined;
  /** Whose credentials the calls use: the member's, through the workspace connection. */
  root: FanoutRoot;
  now: () => number;
  signal?: AbortSignal | undefined;
  /** Known at the start (accounts × regions); null: counted as targets are discovered. */
  targetCount: number | null;
  /** A sync's inventory: the server's, opened for the sync and closed after it. */
  inventoryPath?: string | undefined;
  /** Told after each result is stored: the event streams wake up. */
  onStored?: (() => void) | undefined;
  /**
   * Called with the run's end before it is stored, so that whoever sees the run ended also sees what this
   * records (the server's trail entry); its failure does not keep the run from ending.
   */
  beforeEnd?: ((end: RunEnd) => Promise<void>) | undefined;
  /** How often a running run says it is alive (default 30 s). */
  heartbeatMs?: number | undefined;
  timeoutMs?: number | undefined;
  concurrency?: number | undefined;
  perAccount?: number | undefined;
}

export interface RunEnd {
  status: Exclude<RunStatus, 'running'>;
  summary: string;
  counts: FanoutSummary;
  /** What stopped a `failed` run, for the server's log (the stored summary says less). */
  error?: unknown;
}

export async function executeRun(options: ExecuteRunOptions): Promise<RunEnd> {
  const { store, runId, now } = options;
  const counts: FanoutSummary = { total: 0, ok: 0, failed: 0, byCode: {} };
  const stop = new AbortController();
  const abort = (): void => stop.abort();
  options.signal?.addEventListener('abort', abort, { once: true });
  if (options.signal?.aborted) stop.abort();
  let seq = 0;
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  const record = (result: TargetResult<unknown>): void => {
    const row = toRow(result);
    counts.total += 1;
    if (result.ok) counts.ok += 1;
    else {
      counts.failed += 1;
      counts.byCode[result.error.code] = (counts.byCode[result.error.code] ?? 0) + 1;
    }
    const n = (seq += 1);
    // One write at a time, in the order the targets finished: seq and counts never disagree.
    writing = writing.then(async () => {
      if (writeError !== undefined) return;
      try {
        await appendRunResult(store, runId, n, row, isoAt(now()));
        options.onStored?.();
      } catch (err) {
        writeError = err;
        stop.abort();
      }
    });
  };
  const heartbeat = setInterval(() => {
    touchRun(store, runId, isoAt(now())).catch(() => undefined);
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();
  let failure: unknown;
  try {
    await fanOut(options, record, stop.signal);
  } catch (err) {
    failure = err;
  } finally {
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', abort);
  }
  await writing;
  const status: RunEnd['status'] =
    failure !== undefined || writeError !== undefined ? 'failed' : options.signal?.aborted ? 'interrupted' : 'finished';
  const summary = summaryText(status, counts, failure, writeError);
  if (options.targetCount === null) await setRunTargetCount(store, runId, counts.total).catch(() => undefined);
  const error = failure ?? writeError;
  const end: RunEnd = { status, summary, counts, ...(error !== undefined ? { error } : {}) };
  await options.beforeEnd?.(end).catch(() => undefined);
  await endRun(store, runId, { status, finishedAt: isoAt(now()), summary });
  options.onStored?.();
  return end;
}

async function fanOut(
  options: ExecuteRunOptions,
  record: (result: TargetResult<unknown>) => void,
  signal: AbortSignal,
): Promise<void> {
  const { plan } = options;
  const limits = {
    concurrency: options.concurrency,
    perAccount: options.perAccount,
    timeoutMs: options.timeoutMs,
  };
  if (plan.kind === 'sync') {
    const inventory = InventoryStore.open(options.inventoryPath ?? '');
    try {
      await syncInventory(options.root, {
        accounts: options.accounts,
        types: plan.types,
        regions: options.regions,
        store: inventory,
        signal,
        onTarget: record,
        ...definedLimits(limits),
      });
    } finally {
      inventory.close();
    }
    return;
  }
  const run = runFanout<unknown>(options.root, {
    accounts: options.accounts,
    regions: options.regions,
    global: plan.global,
    signal,
    buffer: false,
    onResult: record,
    ...limits,
    work: async (_target, ctx) =>
      callOperation(await ctx.client(plan.operation.service.name), plan.operation, plan.input, {
        paginate: plan.paginate,
        signal: ctx.signal,
      }),
  });
  await run.done;
}

function definedLimits(limits: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(limits).filter((e): e is [string, number] => e[1] !== undefined));
}

/** A result as stored: AWS's message where AWS answered, its error code beside it, the value redacted. */
function toRow(result: TargetResult<unknown>): NewRunResult {
  const base = {
    accountId: result.target.account.id,
    accountName: result.target.account.name,
    region: result.target.region,
  };
  if (result.ok)
    return { ...base, ok: true, code: null, awsCode: null, message: null, valueJson: storedValue(result.value) };
  const { error } = result;
  const aws = error.awsMessage && !error.message.includes(error.awsMessage) ? ` (AWS: ${error.awsMessage})` : '';
  return {
    ...base,
    ok: false,
    code: error.code,
    awsCode: error.awsCode ?? null,
    message: `${error.message}${aws}`,
    valueJson: result.value === undefined ? null : storedValue(result.value),
  };
}

function summaryText(status: RunEnd['status'], counts: FanoutSummary, failure: unknown, writeError: unknown): string {
  const text = formatSummary(counts);
  if (status === 'failed') {
    // A database's own message stays in the server's log: it may name hosts and users.
    const why =
      writeError !== undefined
        ? 'the server could not record its results'
        : failure instanceof Error
          ? failure.message
          : String(failure);
    return `failed: ${why} (${text} before it stopped)`;
  }
  return status === 'interrupted' ? `interrupted: ${text}` : text;
}
