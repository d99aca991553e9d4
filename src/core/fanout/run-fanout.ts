import { callOperation, ClientPool, findOperation, type AwsClient, type CallOptions, type Middleware, type OperationOutput } from '../aws-clients/index.js';
import type { Credentials } from '../credentials/credentials.js';
import { CrossbarError } from '../errors.js';
import { AccountQueue, type AccountState, type Job } from './account-queue.js';
import { classifyError, isUnknownCredentials } from './classify-error.js';
import { describeRegions, homeRegionOf } from './describe-regions.js';
import { KeyedLimiter } from './keyed-limiter.js';
import { ResultChannel } from './result-channel.js';
import { DEFAULT_ENABLED_REGIONS, enabledRegions, invalidRegionMessage, isEnabled, isKnownRegion, isOptInRegion, looksLikeRegion, type RegionStatuses } from './regions.js';
import { ALL_REGIONS, type FanoutAccount, type FanoutProgress, type FanoutTarget, type TargetError, type TargetResult } from './types.js';

/**
 * The fan-out engine: one operation (or any work) over accounts × regions, with one result per target streamed
 * as it finishes, and never a throw halfway. Concurrency is bounded three ways: globally (targets in flight),
 * per AWS account (targets in flight), and per account × region × API (calls in flight: the unit AWS
 * throttles). Credentials are fetched once per account, ahead of the work and outside its slots, so that
 * STS latency overlaps with the calls of accounts already reached. The SDK's adaptive retries absorb
 * throttling and 5xx; each target has a timeout; an aborted signal (Ctrl-C) stops new work, aborts calls in
 * flight and reports every unfinished target as INTERRUPTED, so "exactly one result per target" always holds.
 */
export interface WorkContext {
  credentials: Credentials;
  /** Aborted on the target's timeout or on Ctrl-C: pass it to every call. */
  signal: AbortSignal;
  /** A pooled client of `service` for this target's account and region. */
  client(service: string): Promise<AwsClient>;
  /** One operation by name (`DescribeInstances`), paginated unless told otherwise. */
  call(service: string, operation: string, input?: Record<string, unknown>, options?: Omit<CallOptions, 'signal'>): Promise<OperationOutput>;
}

export interface RunFanoutOptions<T> {
  accounts: readonly FanoutAccount[];
  /**
   * Region names, or `all`: the regions enabled in each account (DescribeRegions, once per account). Absent:
   * each account's own configured regions.
   */
  regions?: readonly string[] | 'all' | undefined;
  work(target: FanoutTarget, ctx: WorkContext): Promise<T>;
  /** Called once per account; every region of the account shares the answer. */
  credentialsFor(account: FanoutAccount): Promise<Credentials>;
  endpoint?: string | undefined;
  /** Targets in flight at once (default 32). */
  concurrency?: number;
  /** Targets of one AWS account in flight at once (default 8). */
  perAccount?: number;
  /** Calls of one API in one account and region in flight at once (default 16). */
  perApiPerRegion?: number;
  /** Credential fetches (AssumeRole chains) in flight at once (default 16). */
  credentialConcurrency?: number;
  /** Per target, from its start (default 60 s); also bounds each account's credentials. */
  timeoutMs?: number;
  signal?: AbortSignal;
  maxAttempts?: number;
  onResult?: (result: TargetResult<T>) => void;
  onProgress?: (progress: FanoutProgress) => void;
  /** Keep results for the async iterator (default true); false when only `onResult` is used on a long run. */
  buffer?: boolean;
  now?: () => number;
}

export interface FanoutRun<T> extends AsyncIterable<TargetResult<T>> {
  /** Resolves when every target is reported; never rejects. */
  readonly done: Promise<void>;
  progress(): FanoutProgress;
}

/** Thrown by `work` to fail a target with a chosen error while keeping its value (`--exec`'s output). */
export class TargetFailure<T> extends Error {
  readonly error: TargetError;
  readonly value: T | undefined;

  constructor(error: TargetError, value?: T) {
    super(error.message);
    this.name = 'TargetFailure';
    this.error = error;
    this.value = value;
  }
}

export const FANOUT_DEFAULTS = { concurrency: 32, perAccount: 8, perApiPerRegion: 16, credentialConcurrency: 16, timeoutMs: 60_000 } as const;

/** `work`, or the signal's reason as soon as it aborts; a late failure of abandoned work is not left unhandled. */
function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new CrossbarError('TIMEOUT', `${what} took longer than ${Math.round(ms / 1000)}s`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

export function runFanout<T>(options: RunFanoutOptions<T>): FanoutRun<T> {
  const now = options.now ?? Date.now;
  const concurrency = Math.max(1, options.concurrency ?? FANOUT_DEFAULTS.concurrency);
  const perAccount = Math.max(1, options.perAccount ?? FANOUT_DEFAULTS.perAccount);
  const timeoutMs = options.timeoutMs ?? FANOUT_DEFAULTS.timeoutMs;
  const runSignal = options.signal;
  const started = now();
  const channel = new ResultChannel<TargetResult<T>>(options.buffer ?? true);
  const apiLimiter = new KeyedLimiter(options.perApiPerRegion ?? FANOUT_DEFAULTS.perApiPerRegion);
  const limit = (scope: string): Middleware => (next, context) => async (args) => {
    const release = await apiLimiter.acquire(`${scope}|${context.commandName ?? ''}`);
    try {
      return await next(args);
    } finally {
      release();
    }
  };
  const pool = new ClientPool({
    endpoint: options.endpoint,
    maxSockets: Math.max(64, concurrency * 2),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    middleware: (r) => limit(`${r.accountKey}|${r.region}|${r.service}`),
  });
  const counts = { total: 0, done: 0, ok: 0, failed: 0, inFlight: 0 };
  const queue = new AccountQueue({
    accounts: options.accounts,
    regions: options.regions,
    perAccount,
    credentialConcurrency: Math.max(1, options.credentialConcurrency ?? FANOUT_DEFAULTS.credentialConcurrency),
    // Enough accounts ahead that their credentials are in hand before a slot frees up for them.
    readyTarget: concurrency * 4,
    fetchCredentials: (fa) => withTimeout(Promise.resolve().then(() => options.credentialsFor(fa)), timeoutMs, `Credentials for ${fa.account.name}`),
    onSettled: () => pump(),
  });
  counts.total = queue.initialTotal;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });
  let finished = false;

  const progress = (): FanoutProgress => {
    const elapsedMs = now() - started;
    const rate = counts.done > 0 ? counts.done / Math.max(1, elapsedMs) : 0;
    return { ...counts, elapsedMs, etaMs: rate > 0 ? Math.round((counts.total - counts.done) / rate) : undefined };
  };

  const report = (result: TargetResult<T>): void => {
    counts.done += 1;
    if (result.ok) counts.ok += 1;
    else counts.failed += 1;
    channel.push(result);
    try {
      options.onResult?.(result);
      options.onProgress?.(progress());
    } catch {
      // A listener's bug must not lose the other targets' results.
    }
  };

  const fail = (target: FanoutTarget, error: TargetError, t0: number, value?: T): void => {
    report({ target, ok: false, error, ms: now() - t0, ...(value !== undefined ? { value } : {}) });
  };

  const regionsOf = (st: AccountState): Promise<RegionStatuses> => {
    st.regions ??= (async () => {
      const credentials = await st.credentials();
      const region = homeRegionOf(st.fa.account.regions);
      const ec2 = await pool.get({ service: 'ec2', accountKey: st.key, region, credentials });
      return describeRegions(ec2, runSignal);
    })();
    return st.regions;
  };

  /** An unknown-credentials answer means "region not enabled" only if the account says so (or, unknown, it is opt-in). */
  const regionDisabled = async (st: AccountState, region: string): Promise<boolean> => {
    if (DEFAULT_ENABLED_REGIONS.includes(region)) return false;
    const statuses = await regionsOf(st).catch(() => undefined);
    return statuses ? !isEnabled(statuses.get(region)) : isOptInRegion(region);
  };

  const runTarget = async (st: AccountState, target: FanoutTarget, signal: AbortSignal, t0: number, timedOut: () => boolean): Promise<void> => {
    if (!looksLikeRegion(target.region)) return fail(target, { code: 'INVALID', message: invalidRegionMessage(target.region) }, t0);
    let credentials: Credentials;
    try {
      credentials = await st.credentials();
      if (!isKnownRegion(target.region)) {
        const statuses = await abortable(regionsOf(st), signal).catch(() => undefined);
        if (!statuses?.has(target.region)) return fail(target, { code: 'INVALID', message: invalidRegionMessage(target.region, statuses ? [...statuses.keys()] : undefined) }, t0);
      }
    } catch (err) {
      return fail(target, interruptedOr(err, signal, timedOut), t0);
    }
    const client = (service: string) => pool.get({ service, accountKey: st.key, region: target.region, credentials });
    const ctx: WorkContext = {
      credentials,
      signal,
      client,
      call: async (service, operation, input = {}, callOptions = {}) =>
        callOperation(await client(service), await findOperation(service, operation), input, { ...callOptions, signal }),
    };
    try {
      if (signal.aborted) throw signal.reason;
      const value = await abortable(options.work(target, ctx), signal);
      report({ target, ok: true, value, ms: now() - t0 });
    } catch (err) {
      if (err instanceof TargetFailure) {
        const failure: TargetFailure<T> = err;
        return fail(target, failure.error, t0, failure.value);
      }
      if (!signal.aborted && isUnknownCredentials(err) && await regionDisabled(st, target.region)) {
        return fail(target, classifyError(err, { regionDisabled: true }), t0);
      }
      fail(target, interruptedOr(err, signal, timedOut), t0);
    }
  };

  const interruptedOr = (err: unknown, signal: AbortSignal, timedOut: () => boolean): TargetError => {
    if (timedOut()) return { code: 'TIMEOUT', message: `No result within ${Math.round(timeoutMs / 1000)}s`, hint: 'Raise --timeout, or lower --concurrency if AWS is throttling' };
    if (runSignal?.aborted || (signal.aborted && !timedOut())) return { code: 'INTERRUPTED', message: 'Interrupted before this target finished' };
    return classifyError(err);
  };

  /** `--regions all`: read the account's enabled regions, then queue one target per region. */
  const expand = async (st: AccountState, signal: AbortSignal, t0: number, timedOut: () => boolean): Promise<void> => {
    const whole: FanoutTarget = { ...st.fa, region: ALL_REGIONS };
    try {
      await st.credentials();
      const regions = enabledRegions(await abortable(regionsOf(st), signal));
      counts.total += regions.length - 1;
      queue.addTargets(st, regions);
    } catch (err) {
      fail(whole, interruptedOr(err, signal, timedOut), t0);
    }
  };

  const start = (st: AccountState, job: Job): void => {
    counts.inFlight += 1;
    const t0 = now();
    const controller = new AbortController();
    let expired = false;
    const timer = setTimeout(() => { expired = true; controller.abort(new CrossbarError('TIMEOUT', 'target timed out')); }, timeoutMs);
    const onAbort = () => controller.abort(runSignal?.reason);
    runSignal?.addEventListener('abort', onAbort, { once: true });
    const timedOut = () => expired;
    const body = job.kind === 'expand' ? expand(st, controller.signal, t0, timedOut) : runTarget(st, job.target, controller.signal, t0, timedOut);
    body.catch((err: unknown) => {
      // Unreachable by design (every path reports); a bug still yields a result rather than a lost target.
      fail(job.kind === 'expand' ? { ...st.fa, region: ALL_REGIONS } : job.target, classifyError(err), t0);
    }).finally(() => {
      clearTimeout(timer);
      runSignal?.removeEventListener('abort', onAbort);
      counts.inFlight -= 1;
      queue.finished(st);
      pump();
    });
  };

  const finish = (): void => {
    if (finished) return;
    finished = true;
    channel.close();
    void pool.destroy().finally(resolveDone);
  };

  function pump(): void {
    if (finished) return;
    if (runSignal?.aborted) {
      for (const { st, job } of queue.drain()) {
        const target = job.kind === 'expand' ? { ...st.fa, region: ALL_REGIONS } : job.target;
        fail(target, { code: 'INTERRUPTED', message: 'Interrupted before this target started' }, now());
      }
    } else {
      queue.prefetch();
      for (const next of queue.take(concurrency - counts.inFlight)) start(next.st, next.job);
    }
    if (counts.inFlight === 0 && queue.isEmpty()) finish();
  }

  runSignal?.addEventListener('abort', () => pump(), { once: true });
  // Started on the next tick, so that a caller can attach to the run before the first result.
  queueMicrotask(pump);
  return { done, progress, [Symbol.asyncIterator]: () => channel[Symbol.asyncIterator]() };
}

/** Runs to the end and returns every result, in the order they finished. */
export async function collectFanout<T>(options: RunFanoutOptions<T>): Promise<TargetResult<T>[]> {
  const results: TargetResult<T>[] = [];
  for await (const result of runFanout(options)) results.push(result);
  return results;
}
