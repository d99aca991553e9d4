import type { AwsClient, CallOptions, OperationOutput } from '../aws-clients/index.js';
import type { Credentials } from '../credentials/credentials.js';
import { FanoutEngine } from './fanout-engine.js';
import type { FanoutAccount, FanoutProgress, FanoutTarget, TargetResult } from './types.js';

/**
 * The fan-out engine: one operation (or any work) over accounts × regions, with one result per target streamed
 * as it finishes, and never a throw halfway. Concurrency is bounded three ways: globally (targets in flight),
 * per AWS account (targets in flight), and per account × region × API (calls in flight: the unit AWS
 * throttles). Credentials are fetched once per account, ahead of the work and outside its slots, so that
 * STS latency overlaps with the calls of accounts already reached. Throttling and 5xx are retried within a
 * budget, and the calls of one account, region and service share one adaptive rate limiter, so the run slows
 * to the rate AWS allows rather than fail (aws-clients/retry-strategy.ts). A target whose call waits to retry
 * (a throttle's backoff: seconds) lends its slot to the next target and takes one back, ahead of new targets,
 * before the retry; with those, at most twice `concurrency` targets are started at once. Each target has a
 * timeout; an aborted signal (Ctrl-C) stops new work, aborts calls in flight and reports every unfinished target
 * as INTERRUPTED, so "exactly one result per target" always holds.
 */
export { FANOUT_DEFAULTS } from './fanout-engine.js';
export { TargetFailure } from './types.js';

export interface WorkContext {
  credentials: Credentials;
  /** Aborted on the target's timeout or on Ctrl-C: pass it to every call. */
  signal: AbortSignal;
  /**
   * A pooled client of `service` for this target's account, in the target's region or in `region` (a bucket's
   * tags live in the bucket's region). Made by the one factory; released when the target ends.
   */
  client(service: string, options?: { region?: string | undefined }): Promise<AwsClient>;
  /** One operation by name (`DescribeInstances`), paginated unless told otherwise. */
  call(
    service: string,
    operation: string,
    input?: Record<string, unknown>,
    options?: Omit<CallOptions, 'signal'>,
  ): Promise<OperationOutput>;
}

/**
 * What a fan-out needs of the root (`createCrossbar`): where AWS is, the clock, and each account's credentials.
 * A `Crossbar` is one; a test passes a small object with fakes.
 */
export interface FanoutRoot {
  readonly endpoint?: string | undefined;
  now?(): number;
  /** Called once per account; every region of the account shares the answer. */
  credentialsFor(account: FanoutAccount): Promise<Credentials>;
}

export interface RunFanoutOptions<T> {
  accounts: readonly FanoutAccount[];
  /**
   * Region names, or `all`: the regions enabled in each account (DescribeRegions, once per account). Absent:
   * each account's own configured regions.
   */
  regions?: readonly string[] | 'all' | undefined;
  /**
   * The work answers for the whole account (a global operation: `isGlobalOperation`): one target per account in
   * its partition's global region, whatever `regions` says.
   */
  global?: boolean | undefined;
  work(target: FanoutTarget, ctx: WorkContext): Promise<T>;
  /** Targets in flight at once (default 32). */
  concurrency?: number | undefined;
  /** Targets of one AWS account in flight at once (default 8). */
  perAccount?: number | undefined;
  /** Calls of one API in one account and region in flight at once (default 16). */
  perApiPerRegion?: number | undefined;
  /** Credential fetches (AssumeRole chains) in flight at once (default 16). */
  credentialConcurrency?: number | undefined;
  /** Per target, from its start (default 60 s); also bounds each account's credentials. */
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  /** SDK attempts per call (default 6, adaptive retry mode). */
  maxAttempts?: number | undefined;
  onResult?: ((result: TargetResult<T>) => void) | undefined;
  onProgress?: ((progress: FanoutProgress) => void) | undefined;
  /** Keep results for the async iterator (default true); false when only `onResult` is used on a long run. */
  buffer?: boolean | undefined;
}

/** The engine's own options: the run's, with the root's endpoint, clock and credentials. */
export interface FanoutEngineOptions<T> extends RunFanoutOptions<T> {
  credentialsFor(account: FanoutAccount): Promise<Credentials>;
  endpoint?: string | undefined;
  now?: () => number;
}

/** The root's clock, or the system's when the root has none (a test's small fake root). */
export function clockOf(root: Pick<FanoutRoot, 'now'>): () => number {
  return () => (root.now ? root.now() : Date.now());
}

function engineOptions<T>(root: FanoutRoot, options: RunFanoutOptions<T>): FanoutEngineOptions<T> {
  return {
    ...options,
    credentialsFor: (account) => root.credentialsFor(account),
    endpoint: root.endpoint,
    now: clockOf(root),
  };
}

export interface FanoutRun<T> extends AsyncIterable<TargetResult<T>> {
  /** Resolves when every target is reported and the clients are closed; never rejects. */
  readonly done: Promise<void>;
  progress(): FanoutProgress;
}

export function runFanout<T>(root: FanoutRoot, options: RunFanoutOptions<T>): FanoutRun<T> {
  const engine = new FanoutEngine(engineOptions(root, options));
  engine.start();
  return {
    done: engine.done,
    progress: () => engine.progress(),
    [Symbol.asyncIterator]: () => engine.channel[Symbol.asyncIterator](),
  };
}

/** Runs to the end and returns every result, in the order they finished. */
export async function collectFanout<T>(root: FanoutRoot, options: RunFanoutOptions<T>): Promise<TargetResult<T>[]> {
  const results: TargetResult<T>[] = [];
  for await (const result of runFanout(root, options)) results.push(result);
  return results;
}
