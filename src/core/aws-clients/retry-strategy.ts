import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { CubicRateLimiter } from './cubic-rate-limiter.js';
import { requireSdk } from './require-sdk.js';
import { retryWait } from './retry-wait.js';

/**
 * The SDK's adaptive retry mode, assembled from the SDK's own parts (its standard strategy decides what is
 * retryable and keeps the retry quota; its CUBIC rate limiter paces the calls, in cubic-rate-limiter.ts with a
 * scope's first throttle fixed; the backoff is its formula, exponential with full jitter, except for a throttle
 * in a scope the limiter paces: see backoffCeiling), with two things added:
 * - a time budget beside the attempts: no attempt starts once `budgetMs` has passed since the first, and no
 *   backoff sleeps past it, so a fault that persists ends in a clear failure rather than in the target's timeout;
 * - a record of why the SDK gave up (attempts, time or quota; how many answers were throttles and which 5xx),
 *   kept beside the error so that the message can say "throttled by STS 8 times over 21 s; gave up".
 * The rate limiter is passed in, so that every client calling one throttling scope (an account's STS, an
 * account's EC2 in a region) shares one token bucket: a fan-out makes one client per target, and a bucket per
 * client would never learn the rate. Shared, it needs one rule the SDK's per-client use does not: the throttles
 * of calls sent before the limiter last cut its rate are one signal, not one each. Sixteen AssumeRoles in flight
 * when STS starts throttling answer with a burst of throttles; cutting the rate by 30% for each of them took it
 * from 80 to under 20 per second, four times lower than STS allowed, for seconds (as TCP's congestion control
 * reduces once per round trip, not per lost packet).
 */
export interface RetryBudget {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  /** No new attempt after this long since the first one started. */
  budgetMs: number;
}

/** What the retries of one call saw before the SDK gave up. */
export interface RetryReport {
  attempts: number;
  throttles: number;
  /** AWS's error codes of the other retryable failures (5xx, timeouts), in order. */
  errors: string[];
  elapsedMs: number;
  gaveUp: 'attempts' | 'time' | 'quota';
  budget: RetryBudget;
  /** The service as AWS names it (`STS`, `EC2`), when the strategy was told. */
  service?: string | undefined;
}

/** The rate limiter of one throttling scope, shared by the clients that call it. */
export type RateLimiter = CubicRateLimiter;

export function createRateLimiter(): RateLimiter {
  return new CubicRateLimiter();
}

const reports = new WeakMap<object, RetryReport>();

/** When each shared limiter last cut its rate for a throttle. */
const lastCuts = new WeakMap<RateLimiter, number>();

/** Why the retries of the call that threw `err` stopped, when they stopped for a budget (not a 4xx). */
export function retryReportOf(err: unknown): RetryReport | undefined {
  return typeof err === 'object' && err !== null ? reports.get(err) : undefined;
}

interface CallLog {
  started: number;
  /** When its latest attempt was let go by the rate limiter. */
  sentAt: number;
  throttles: number;
  errors: string[];
}

export interface RetryStrategyOptions extends RetryBudget {
  /** Adaptive mode's token bucket; absent: standard retries without client-side rate limiting. */
  rateLimiter?: RateLimiter | undefined;
  /** Names the service in messages (`STS`, `EC2`). */
  service?: string | undefined;
  now?: () => number;
  random?: () => number;
  /** The backoff's wait (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A refused connection or an unknown host is not a busy service: a few attempts tell a blip from a dead endpoint
 * (the sandbox not running), and more would only make `credential-process` slow to say so.
 */
const MAX_UNANSWERED_ATTEMPTS = 3;

/** Whether the failed attempt got an HTTP answer at all. */
function answered(info: RetryErrorInfo): boolean {
  return info.error?.$metadata?.httpStatusCode !== undefined;
}

function errorName(info: RetryErrorInfo): string {
  const name = info.error?.name;
  return typeof name === 'string' && name !== '' ? name : info.errorType;
}

/** The SDK's backoff is computed here (below), so the SDK's own strategy is given one that never waits. */
const NO_BACKOFF = { computeNextBackoffDelay: () => 0, setDelayBase: () => {} };

/**
 * The longest wait before a retry (the wait is a uniform draw below it: full jitter), never past the budget.
 * - A 5xx or a timeout: the SDK's backoff, exponential from 50 ms, at most 20 s.
 * - A throttle in a scope a rate limiter paces: exponential in the throttles this call met, from one interval of
 *   the limiter's rate (which the throttle has just cut, to what the scope was seen to take). The SDK starts
 *   from 1 s and doubles for every retry, 5xx included: a call that met a 500, a throttle, a 500 and a throttle
 *   waited up to 8 s for a bucket that refills three times a second. A throttle that persists still backs off
 *   exponentially, and the limiter slows every call of the scope meanwhile.
 * - A throttle without a limiter (standard mode): the SDK's backoff, exponential from 1 s.
 */
function backoffCeiling(
  info: RetryErrorInfo,
  call: { retries: number; throttles: number },
  limiter: RateLimiter | undefined,
  left: number,
): number {
  const { MAXIMUM_RETRY_DELAY, Retry } = requireSdk('@smithy/core/retry');
  const exponential =
    info.errorType === 'THROTTLING' && limiter
      ? (1000 / limiter.fillRate) * 2 ** Math.max(0, call.throttles - 1)
      : (info.errorType === 'THROTTLING' ? Retry.throttlingDelay() : Retry.delay()) * 2 ** call.retries;
  return Math.min(exponential, MAXIMUM_RETRY_DELAY, left);
}

export function createRetryStrategy(options: RetryStrategyOptions): RetryStrategyV2 {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const budget: RetryBudget = { maxAttempts: options.maxAttempts, budgetMs: options.budgetMs };
  const limiter = options.rateLimiter;
  // Attempts, the retry quota and what is retryable: the SDK's standard strategy decides.
  const { StandardRetryStrategy } = requireSdk('@smithy/core/retry');
  const sdk: RetryStrategyV2 = new StandardRetryStrategy({ maxAttempts: options.maxAttempts, backoff: NO_BACKOFF });
  const calls = new WeakMap<RetryToken, CallLog>();

  const giveUp = (info: RetryErrorInfo, log: CallLog, attempts: number, gaveUp: RetryReport['gaveUp']): void => {
    if (info.error)
      reports.set(info.error, {
        attempts,
        throttles: log.throttles,
        errors: log.errors,
        elapsedMs: now() - log.started,
        gaveUp,
        budget,
        service: options.service,
      });
  };

  return {
    async acquireInitialRetryToken(scope: string): Promise<RetryToken> {
      const token = await sdk.acquireInitialRetryToken(scope);
      await limiter?.getSendToken();
      // The budget starts with the first attempt, not while the call waited its turn in the rate limiter.
      calls.set(token, { started: now(), sentAt: now(), throttles: 0, errors: [] });
      return token;
    },

    async refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
      const log = calls.get(token) ?? { started: now(), sentAt: now(), throttles: 0, errors: [] };
      // The limiter learns from every answer, as in the SDK's adaptive strategy, except from a throttle of a call
      // sent before its last cut: that cut already answered the burst this throttle belongs to.
      if (limiter) {
        const cut = lastCuts.get(limiter);
        const sameBurst = info.errorType === 'THROTTLING' && cut !== undefined && log.sentAt < cut;
        if (!sameBurst) limiter.updateClientSendingRate(info);
        if (info.errorType === 'THROTTLING' && !sameBurst) lastCuts.set(limiter, now());
      }
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (info.errorType === 'THROTTLING') log.throttles += 1;
      else if (retryable) log.errors.push(errorName(info));
      const attempts = token.getRetryCount() + 1;
      const left = options.budgetMs - (now() - log.started);
      const unanswered = retryable && attempts >= MAX_UNANSWERED_ATTEMPTS && !answered(info);
      if (retryable && (unanswered || left <= 0)) {
        giveUp(info, log, attempts, unanswered ? 'attempts' : 'time');
        throw new Error('No retry token available: the retry budget is spent');
      }
      let next: RetryToken;
      try {
        next = await sdk.refreshRetryTokenForRetry(token, info);
      } catch (err) {
        if (retryable) giveUp(info, log, attempts, attempts >= options.maxAttempts ? 'attempts' : 'quota');
        throw err;
      }
      const ceiling = backoffCeiling(info, { retries: token.getRetryCount(), throttles: log.throttles }, limiter, left);
      const delay = Math.floor(random() * Math.max(0, ceiling));
      // The wait sends nothing: a fan-out lends the target's slot to another target meanwhile (retry-wait.ts).
      await retryWait(async () => {
        if (delay > 0) await sleep(delay);
        await limiter?.getSendToken();
      });
      log.sentAt = now();
      calls.set(next, log);
      return next;
    },

    recordSuccess(token: RetryToken): void {
      limiter?.updateClientSendingRate({});
      sdk.recordSuccess(token);
    },
  };
}

/** "8 attempts or 30 s", for messages. */
export function formatBudget(budget: RetryBudget): string {
  return `${budget.maxAttempts} attempts or ${Math.round(budget.budgetMs / 1000)} s`;
}

/**
 * What the retries of a failed call came to, for a message: "throttled by STS 8 times over 21 s; gave up (retry
 * budget: 8 attempts or 30 s)" or "failed 6 times (InternalError ×6) over 3 s; …".
 */
export function describeRetries(report: RetryReport): string {
  const who = `by ${report.service ?? 'AWS'}`;
  const seconds = `${Math.max(1, Math.round(report.elapsedMs / 1000))} s`;
  const why =
    report.gaveUp === 'quota'
      ? `gave up (the client's retry quota is spent: AWS kept failing)`
      : `gave up (retry budget: ${formatBudget(report.budget)})`;
  if (report.errors.length === 0) return `throttled ${who} ${report.throttles} times over ${seconds}; ${why}`;
  const counts = new Map<string, number>();
  for (const e of report.errors) counts.set(e, (counts.get(e) ?? 0) + 1);
  const list = [...counts].map(([name, n]) => `${name} ×${n}`).join(', ');
  const throttled = report.throttles > 0 ? `, throttled ×${report.throttles}` : '';
  return `failed ${report.attempts} times (${list}${throttled}) over ${seconds}; ${why}`;
}
