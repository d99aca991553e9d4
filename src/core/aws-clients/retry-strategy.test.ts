import type { RetryErrorInfo, RetryErrorType } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import {
  createRateLimiter,
  createRetryStrategy,
  describeRetries,
  retryReportOf,
  type RetryReport,
} from './retry-strategy.js';
import { CubicRateLimiter } from './cubic-rate-limiter.js';

/** An SDK error as the retry middleware hands it over: a name and, when AWS answered, an HTTP status. */
class FakeSdkError extends Error {
  declare cause?: Error;
  $metadata: { httpStatusCode?: number } = {};
}

function failure(name: string, errorType: RetryErrorType, status?: number, code?: string): RetryErrorInfo {
  const error = new FakeSdkError(name);
  error.name = name;
  if (status !== undefined) error.$metadata = { httpStatusCode: status };
  if (code !== undefined) Object.assign(error, { code });
  return { error, errorType };
}

/** Drives one call through the strategy as the SDK's retry middleware does, until it succeeds or gives up. */
async function drive(
  options: { maxAttempts: number; budgetMs: number },
  answers: RetryErrorInfo[],
  clock = { t: 0, perAttemptMs: 0 },
): Promise<{ attempts: number; report: RetryReport | undefined }> {
  const strategy = createRetryStrategy({ ...options, now: () => clock.t, random: () => 0, service: 'STS' });
  let token = await strategy.acquireInitialRetryToken('');
  let attempts = 0;
  for (const answer of answers) {
    attempts += 1;
    clock.t += clock.perAttemptMs;
    try {
      token = await strategy.refreshRetryTokenForRetry(token, answer);
    } catch {
      return { attempts, report: retryReportOf(answer.error) };
    }
  }
  strategy.recordSuccess(token);
  return { attempts: attempts + 1, report: undefined };
}

const throttle = () => failure('Throttling', 'THROTTLING', 400);
const unavailable = () => failure('ServiceUnavailable', 'TRANSIENT', 503);

describe('the retry strategy of every SDK client', () => {
  it('retries throttling and 5xx until an attempt succeeds, within the budget', async () => {
    const r = await drive({ maxAttempts: 8, budgetMs: 30_000 }, [throttle(), unavailable(), throttle(), throttle()]);
    expect(r).toEqual({ attempts: 5, report: undefined });
  });

  it('denied twin: a throttle that persists gives up after the attempts, and says how often and how long', async () => {
    const answers = Array.from({ length: 20 }, throttle);
    const r = await drive({ maxAttempts: 8, budgetMs: 30_000 }, answers, { t: 0, perAttemptMs: 2_500 });
    expect(r.attempts).toBe(8);
    expect(r.report).toMatchObject({ attempts: 8, throttles: 8, errors: [], gaveUp: 'attempts', elapsedMs: 20_000 });
    expect(describeRetries(r.report as RetryReport)).toBe(
      'throttled by STS 8 times over 20 s; gave up (retry budget: 8 attempts or 30 s)',
    );
  });

  it('gives up when the time budget is spent, before the attempts are', async () => {
    const answers = Array.from({ length: 20 }, unavailable);
    const r = await drive({ maxAttempts: 8, budgetMs: 10_000 }, answers, { t: 0, perAttemptMs: 4_000 });
    expect(r.attempts).toBe(3);
    expect(r.report).toMatchObject({
      attempts: 3,
      gaveUp: 'time',
      errors: Array.from({ length: 3 }, () => 'ServiceUnavailable'),
    });
    expect(describeRetries(r.report as RetryReport)).toBe(
      'failed 3 times (ServiceUnavailable ×3) over 12 s; gave up (retry budget: 8 attempts or 10 s)',
    );
  });

  it('a refused connection is tried 3 times, not the whole budget', async () => {
    const refused = () => failure('Error', 'TRANSIENT', undefined, 'ECONNREFUSED');
    const r = await drive({ maxAttempts: 8, budgetMs: 30_000 }, Array.from({ length: 8 }, refused));
    expect(r.attempts).toBe(3);
    expect(r.report).toMatchObject({ gaveUp: 'attempts', attempts: 3 });
  });

  it('a 4xx is not retried and carries no retry report: it is an answer, not a fault', async () => {
    const r = await drive({ maxAttempts: 8, budgetMs: 30_000 }, [failure('AccessDenied', 'CLIENT_ERROR', 403)]);
    expect(r).toEqual({ attempts: 1, report: undefined });
  });

  it('a burst of throttles of calls sent before the shared limiter cut its rate cuts it once, not once each', async () => {
    const clock = { t: 0 };
    const limiter = createRateLimiter();
    const signals: string[] = [];
    const learn = limiter.updateClientSendingRate.bind(limiter);
    limiter.updateClientSendingRate = (info) => {
      signals.push('errorType' in info && typeof info.errorType === 'string' ? info.errorType : 'ok');
      learn(info);
    };
    // The limiter's own waits are not what this is about.
    limiter.getSendToken = () => Promise.resolve();
    const strategy = createRetryStrategy({
      maxAttempts: 8,
      budgetMs: 30_000,
      rateLimiter: limiter,
      now: () => clock.t,
      random: () => 0,
    });
    // Three calls in flight together; all three are throttled.
    const inFlight = await Promise.all([1, 2, 3].map(() => strategy.acquireInitialRetryToken('')));
    clock.t = 100;
    const retries = [];
    for (const token of inFlight) retries.push(await strategy.refreshRetryTokenForRetry(token, throttle()));
    expect(signals).toEqual(['THROTTLING']);
    // The twin: a retry sent after the cut and throttled again is a new signal, and a 5xx always counts.
    clock.t = 200;
    const [first] = retries;
    if (!first) throw new Error('no retry token');
    await strategy.refreshRetryTokenForRetry(first, throttle());
    const late = await strategy.acquireInitialRetryToken('');
    await strategy.refreshRetryTokenForRetry(late, unavailable());
    expect(signals).toEqual(['THROTTLING', 'THROTTLING', 'TRANSIENT']);
  });

  /** One call answered 500, throttle, 500, throttle, then ok: the longest wait allowed before each retry. */
  async function ceilings(withLimiter: boolean): Promise<number[]> {
    const clock = { t: 1000 };
    const limiterClock = {
      now: () => clock.t / 1000,
      sleep: (ms: number) => {
        clock.t += ms;
        return Promise.resolve();
      },
    };
    const waits: number[] = [];
    const strategy = createRetryStrategy({
      maxAttempts: 8,
      budgetMs: 30_000,
      rateLimiter: withLimiter ? new CubicRateLimiter(limiterClock) : undefined,
      now: () => clock.t,
      random: () => 0.999999,
      sleep: (ms) => {
        waits.push(ms);
        clock.t += ms;
        return Promise.resolve();
      },
    });
    let token = await strategy.acquireInitialRetryToken('');
    for (const answer of [unavailable(), throttle(), unavailable(), throttle()]) {
      clock.t += 50;
      token = await strategy.refreshRetryTokenForRetry(token, answer);
    }
    strategy.recordSuccess(token);
    return waits;
  }

  it('a throttle in a scope the rate limiter paces waits one interval of its cut rate, not an exponential backoff', async () => {
    const waits = await ceilings(true);
    expect(waits).toHaveLength(4);
    // The 500s keep the SDK's backoff (50 ms, then 200 ms); each throttle waits under a second.
    expect(waits[0]).toBeLessThan(50);
    expect(waits[2]).toBeLessThan(200);
    expect(waits[1]).toBeLessThan(1000);
    expect(waits[3]).toBeLessThan(1000);
  });

  it('twin: without a rate limiter (standard mode) the throttles back off exponentially, up to 8 s by the 4th retry', async () => {
    const waits = await ceilings(false);
    expect(waits[1]).toBeGreaterThan(1900);
    expect(waits[3]).toBeGreaterThan(7900);
  });
});
