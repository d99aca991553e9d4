import {
  callOperation,
  ClientPool,
  DEFAULT_RETRY_BUDGET_MS,
  findOperation,
  withoutRetryWaitListener,
  withRetryWaitListener,
  type Middleware,
  type RetryWaitListener,
} from '../aws-clients/index.js';
import type { Credentials } from '../credentials/credentials.js';
import { CrossbarError } from '../errors.js';
import { abortable, withTimeout } from './abortable.js';
import { AccountQueue, type AccountState, type Job } from './account-queue.js';
import { classifyError, isUnknownCredentials } from './classify-error.js';
import { describeRegions, homeRegionOf } from './describe-regions.js';
import { KeyedLimiter } from './keyed-limiter.js';
import { ResultChannel } from './result-channel.js';
import {
  DEFAULT_ENABLED_REGIONS,
  enabledRegions,
  invalidRegionMessage,
  isEnabled,
  isKnownRegion,
  isOptInRegion,
  looksLikeRegion,
  type RegionStatuses,
} from './regions.js';
import type { FanoutEngineOptions, WorkContext } from './run-fanout.js';
import {
  ALL_REGIONS,
  TargetFailure,
  type FanoutProgress,
  type FanoutTarget,
  type TargetError,
  type TargetResult,
} from './types.js';

export const FANOUT_DEFAULTS = {
  concurrency: 32,
  perAccount: 8,
  perApiPerRegion: 16,
  credentialConcurrency: 16,
  timeoutMs: 60_000,
} as const;

/** One job while it runs: its account, its own signal (timeout or Ctrl-C) and when it started. */
interface Attempt {
  st: AccountState;
  signal: AbortSignal;
  t0: number;
  timedOut(): boolean;
  /** Its result is reported (or, for an expansion, its targets queued): no longer counted as in flight. */
  settled: boolean;
  /** It holds one of the `concurrency` slots (not while a call of it waits to retry). */
  holdsSlot: boolean;
  /** Its body has ended: it needs no slot any more. */
  ended: boolean;
}

/**
 * The state of one run: the queue of accounts and jobs, the client pool, the limits, the counters and the result
 * channel. `pump` starts whatever may start whenever something changes (a job ended, credentials arrived,
 * Ctrl-C); every job ends in exactly one reported result, whatever happens inside it.
 */
export class FanoutEngine<T> {
  readonly done: Promise<void>;
  readonly channel: ResultChannel<TargetResult<T>>;
  readonly #options: FanoutEngineOptions<T>;
  readonly #now: () => number;
  readonly #concurrency: number;
  readonly #timeoutMs: number;
  readonly #started: number;
  readonly #pool: ClientPool;
  readonly #queue: AccountQueue;
  /**
   * What progress shows. `inFlight` counts jobs started and not yet settled: a job leaves it when its result is
   * reported, in the same step that counts it done, so that done + in flight never exceeds the total.
   */
  readonly #counts = { total: 0, done: 0, ok: 0, failed: 0, inFlight: 0 };
  /** Jobs holding a concurrency slot: released only once the job has cleaned up (clients returned). */
  #running = 0;
  /**
   * Jobs started that hold no slot because a call of theirs waits to retry (a throttle's backoff can be seconds,
   * and it sends nothing meanwhile). With them, at most twice `concurrency` jobs are started at once.
   */
  #lent = 0;
  /** Jobs whose retry wait is over, waiting for a slot: served before any new job starts. */
  readonly #resuming: { attempt: Attempt; resume: () => void }[] = [];
  #finished = false;
  #resolveDone: () => void = () => {};

  constructor(options: FanoutEngineOptions<T>) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#concurrency = Math.max(1, options.concurrency ?? FANOUT_DEFAULTS.concurrency);
    this.#timeoutMs = options.timeoutMs ?? FANOUT_DEFAULTS.timeoutMs;
    this.#started = this.#now();
    this.channel = new ResultChannel(options.buffer ?? true);
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
    const limiter = new KeyedLimiter(options.perApiPerRegion ?? FANOUT_DEFAULTS.perApiPerRegion);
    this.#pool = new ClientPool({
      endpoint: options.endpoint,
      // A target may make several calls at once (inventory reads all its types together).
      maxSockets: Math.max(64, this.#concurrency * 4),
      // No single request outlives its target: an abandoned one must not hold a socket forever.
      requestTimeoutMs: this.#timeoutMs,
      // A call gives up retrying well inside its target's timeout, so that the target says why.
      retryBudgetMs: Math.min(DEFAULT_RETRY_BUDGET_MS, this.#timeoutMs / 2),
      ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
      middleware: (r) => limitCalls(limiter, `${r.accountKey}|${r.region}|${r.service}`),
    });
    this.#queue = new AccountQueue({
      accounts: options.accounts,
      regions: options.regions,
      global: options.global,
      perAccount: Math.max(1, options.perAccount ?? FANOUT_DEFAULTS.perAccount),
      credentialConcurrency: Math.max(1, options.credentialConcurrency ?? FANOUT_DEFAULTS.credentialConcurrency),
      // Enough accounts ahead that their credentials are in hand before a slot frees up for them.
      readyTarget: this.#concurrency * 4,
      fetchCredentials: (fa) =>
        withTimeout(
          Promise.resolve().then(() => options.credentialsFor(fa)),
          this.#timeoutMs,
          `Credentials for ${fa.account.name}`,
        ),
      onSettled: () => this.#pump(),
    });
    this.#counts.total = this.#queue.initialTotal;
  }

  /** Starts on the next tick, so that a caller can attach to the run before the first result. */
  start(): void {
    this.#options.signal?.addEventListener('abort', () => this.#pump(), { once: true });
    queueMicrotask(() => this.#pump());
  }

  progress(): FanoutProgress {
    const elapsedMs = this.#now() - this.#started;
    const { total, done } = this.#counts;
    const rate = done > 0 ? done / Math.max(1, elapsedMs) : 0;
    return { ...this.#counts, elapsedMs, etaMs: rate > 0 ? Math.round((total - done) / rate) : undefined };
  }

  /** A started job leaves the in-flight count, once. */
  #settle(attempt: Attempt | undefined): void {
    if (!attempt || attempt.settled) return;
    attempt.settled = true;
    this.#counts.inFlight -= 1;
  }

  #report(result: TargetResult<T>, attempt?: Attempt): void {
    this.#settle(attempt);
    this.#counts.done += 1;
    if (result.ok) this.#counts.ok += 1;
    else this.#counts.failed += 1;
    this.channel.push(result);
    try {
      this.#options.onResult?.(result);
      this.#options.onProgress?.(this.progress());
    } catch {
      // A listener's bug must not lose the other targets' results.
    }
  }

  /** Fails a target: one that never started (Ctrl-C before it) from `t0`, a started one from its attempt's start. */
  #fail(target: FanoutTarget, error: TargetError, from: Attempt | number, value?: T): void {
    const attempt = typeof from === 'number' ? undefined : from;
    const ms = this.#now() - (typeof from === 'number' ? from : from.t0);
    this.#report({ target, ok: false, error, ms, ...(value !== undefined ? { value } : {}) }, attempt);
  }

  /** DescribeRegions of an account, once, from a region every account has. */
  #regionsOf(st: AccountState): Promise<RegionStatuses> {
    st.regions ??= (async () => {
      const credentials = await st.credentials();
      const ec2 = await this.#pool.get({
        service: 'ec2',
        accountKey: st.key,
        region: homeRegionOf(st.fa.account.regions),
        credentials,
      });
      return describeRegions(ec2, this.#options.signal);
    })();
    return st.regions;
  }

  /** An unknown-credentials answer means "region not enabled" only if the account says so (or, unknown, it is opt-in). */
  async #regionDisabled(st: AccountState, region: string): Promise<boolean> {
    if (DEFAULT_ENABLED_REGIONS.includes(region)) return false;
    const statuses = await this.#regionsOf(st).catch(() => undefined);
    return statuses ? !isEnabled(statuses.get(region)) : isOptInRegion(region);
  }

  /** Why an attempt ended without a value: its timeout, Ctrl-C, or what was thrown. */
  #verdict(err: unknown, attempt: Attempt): TargetError {
    if (attempt.timedOut())
      return {
        code: 'TIMEOUT',
        message: `No result within ${Math.round(this.#timeoutMs / 1000)}s`,
        hint: 'Raise --timeout, or lower --concurrency if AWS is throttling',
      };
    if (this.#options.signal?.aborted || attempt.signal.aborted)
      return { code: 'INTERRUPTED', message: 'Interrupted before this target finished' };
    return classifyError(err);
  }

  /** What a target's work gets: its credentials, its signal and clients of its account, noting each region used. */
  #context(attempt: Attempt, target: FanoutTarget, credentials: Credentials, regions: Set<string>): WorkContext {
    const { st, signal } = attempt;
    const client: WorkContext['client'] = (service, options = {}) => {
      const region = options.region ?? target.region;
      regions.add(region);
      return this.#pool.get({ service, accountKey: st.key, region, credentials });
    };
    return {
      credentials,
      signal,
      client,
      call: async (service, operation, input = {}, callOptions = {}) =>
        callOperation(await client(service), await findOperation(service, operation), input, {
          ...callOptions,
          signal,
        }),
    };
  }

  /** A region AWS did not have when this was written must be in the account's own DescribeRegions. */
  async #unknownRegion(attempt: Attempt, region: string): Promise<TargetError | undefined> {
    if (isKnownRegion(region)) return undefined;
    const statuses = await abortable(this.#regionsOf(attempt.st), attempt.signal).catch(() => undefined);
    return statuses?.has(region)
      ? undefined
      : { code: 'INVALID', message: invalidRegionMessage(region, statuses ? [...statuses.keys()] : undefined) };
  }

  async #runTarget(target: FanoutTarget, attempt: Attempt): Promise<void> {
    if (!looksLikeRegion(target.region))
      return this.#fail(target, { code: 'INVALID', message: invalidRegionMessage(target.region) }, attempt);
    let credentials: Credentials;
    try {
      credentials = await attempt.st.credentials();
      const invalid = await this.#unknownRegion(attempt, target.region);
      if (invalid) return this.#fail(target, invalid, attempt);
      if (attempt.signal.aborted) throw attempt.signal.reason;
    } catch (err) {
      return this.#fail(target, this.#verdict(err, attempt), attempt);
    }
    const regions = new Set([target.region]);
    try {
      const value = await abortable(
        this.#options.work(target, this.#context(attempt, target, credentials, regions)),
        attempt.signal,
      );
      this.#report({ target, ok: true, value, ms: this.#now() - attempt.t0 }, attempt);
    } catch (err) {
      await this.#failed(target, attempt, err);
    } finally {
      for (const region of regions) this.#pool.release(attempt.st.key, region);
    }
  }

  /** A target's work threw: its own failure, a disabled region, or the verdict on what was thrown. */
  async #failed(target: FanoutTarget, attempt: Attempt, err: unknown): Promise<void> {
    if (err instanceof TargetFailure) {
      const failure: TargetFailure<T> = err;
      return this.#fail(target, failure.error, attempt, failure.value);
    }
    if (
      !attempt.signal.aborted &&
      isUnknownCredentials(err) &&
      (await this.#regionDisabled(attempt.st, target.region))
    ) {
      return this.#fail(target, classifyError(err, { regionDisabled: true }), attempt);
    }
    this.#fail(target, this.#verdict(err, attempt), attempt);
  }

  /** `--regions all`: read the account's enabled regions, then queue one target per region. */
  async #expand(attempt: Attempt): Promise<void> {
    try {
      await attempt.st.credentials();
      const regions = enabledRegions(await abortable(this.#regionsOf(attempt.st), attempt.signal));
      // The expansion stood for one target; it leaves the count before its targets join the total.
      this.#settle(attempt);
      this.#counts.total += regions.length - 1;
      this.#queue.addTargets(attempt.st, regions);
    } catch (err) {
      this.#fail({ ...attempt.st.fa, region: ALL_REGIONS }, this.#verdict(err, attempt), attempt);
    }
  }

  /**
   * What a job's calls tell the engine of their retry waits: a wait lends the job's slot to the next job; a wait
   * that ends takes a slot back (ahead of new jobs) before its retry is sent. A job with several calls at once
   * (inventory) lends its slot on the first wait, and the others go on meanwhile: they were sent already.
   */
  #retryWaitListener(attempt: Attempt): RetryWaitListener {
    return {
      waiting: () => {
        if (attempt.ended || !attempt.holdsSlot) return;
        attempt.holdsSlot = false;
        this.#running -= 1;
        this.#lent += 1;
        this.#pump();
      },
      resumed: () => {
        if (attempt.ended || attempt.holdsSlot) return Promise.resolve();
        return new Promise<void>((resolve) => {
          this.#resuming.push({ attempt, resume: resolve });
          this.#pump();
        });
      },
    };
  }

  /** A job whose wait is over takes a slot back. */
  #takeBack(attempt: Attempt): void {
    if (attempt.ended || attempt.holdsSlot) return;
    attempt.holdsSlot = true;
    this.#lent -= 1;
    this.#running += 1;
  }

  #launch(st: AccountState, job: Job): void {
    this.#counts.inFlight += 1;
    this.#running += 1;
    const runSignal = this.#options.signal;
    const controller = new AbortController();
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      controller.abort(new CrossbarError('TIMEOUT', 'target timed out'));
    }, this.#timeoutMs);
    const onAbort = () => controller.abort(runSignal?.reason);
    runSignal?.addEventListener('abort', onAbort, { once: true });
    const attempt: Attempt = {
      st,
      signal: controller.signal,
      t0: this.#now(),
      timedOut: () => expired,
      settled: false,
      holdsSlot: true,
      ended: false,
    };
    const body = withRetryWaitListener(this.#retryWaitListener(attempt), () =>
      job.kind === 'expand' ? this.#expand(attempt) : this.#runTarget(job.target, attempt),
    );
    body
      .catch((err: unknown) => {
        // Unreachable by design (every path reports); a bug still yields a result rather than a lost target.
        this.#fail(job.kind === 'expand' ? { ...st.fa, region: ALL_REGIONS } : job.target, classifyError(err), attempt);
      })
      .finally(() => {
        clearTimeout(timer);
        runSignal?.removeEventListener('abort', onAbort);
        this.#settle(attempt);
        attempt.ended = true;
        if (attempt.holdsSlot) this.#running -= 1;
        else this.#lent -= 1;
        this.#queue.finished(st);
        this.#pump();
      });
  }

  /**
   * Starts whatever may start now. Outside any job's async context: what it starts (credential fetches, jobs) must
   * not tell the job that happened to call it of their retry waits.
   */
  #pump(): void {
    withoutRetryWaitListener(() => this.#pumpNow());
  }

  #pumpNow(): void {
    if (this.#finished) return;
    if (this.#options.signal?.aborted) {
      for (const { st, job } of this.#queue.drain()) {
        const target = job.kind === 'expand' ? { ...st.fa, region: ALL_REGIONS } : job.target;
        this.#fail(target, { code: 'INTERRUPTED', message: 'Interrupted before this target started' }, this.#now());
      }
      // Their calls see the aborted signal once they go on.
      for (const { attempt, resume } of this.#resuming.splice(0)) {
        this.#takeBack(attempt);
        resume();
      }
    } else {
      while (this.#running < this.#concurrency && this.#resuming.length > 0) {
        const { attempt, resume } = this.#resuming.shift() ?? {};
        if (attempt) this.#takeBack(attempt);
        resume?.();
      }
      this.#queue.prefetch();
      // New jobs only into free slots, and at most twice `concurrency` started: the rest wait their turn even when
      // every started job is waiting to retry.
      const started = this.#running + this.#lent;
      const free = Math.max(0, Math.min(this.#concurrency - this.#running, 2 * this.#concurrency - started));
      if (this.#resuming.length === 0) for (const next of this.#queue.take(free)) this.#launch(next.st, next.job);
    }
    if (this.#running === 0 && this.#lent === 0 && this.#queue.isEmpty()) {
      this.#finished = true;
      this.channel.close();
      void this.#pool.destroy().finally(() => this.#resolveDone());
    }
  }
}

/** At most the limiter's count of calls per scope and operation in flight: the client's first middleware. */
function limitCalls(limiter: KeyedLimiter, scope: string): Middleware {
  return (next, context) => async (args) => {
    const release = await limiter.acquire(`${scope}|${context.commandName ?? ''}`);
    try {
      return await next(args);
    } finally {
      release();
    }
  };
}
