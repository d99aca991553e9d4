import { DefaultRateLimiter } from '@smithy/core/retry';
import type { RetryErrorInfo } from '@smithy/types';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CubicRateLimiter, type RateLimiterClock } from './cubic-rate-limiter.js';

const throttle: Partial<RetryErrorInfo> = { errorType: 'THROTTLING' };
const transient: Partial<RetryErrorInfo> = { errorType: 'TRANSIENT' };

/** A clock that only moves when told to, or when the limiter sleeps. */
function fakeClock(start = 1000.2): RateLimiterClock & { t: number; slept: number } {
  const clock = {
    t: start,
    slept: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms / 1000;
      clock.slept += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

/** How long the next getSendToken waits, in ms, on the fake clock. */
async function nextWait(limiter: CubicRateLimiter, clock: { slept: number }): Promise<number> {
  const before = clock.slept;
  await limiter.getSendToken();
  return clock.slept - before;
}

describe('the adaptive rate limiter of one throttling scope', () => {
  afterEach(() => vi.useRealTimers());

  it("a scope's first throttle, a fraction of a second after its first call, paces the retry at the rate seen so far", async () => {
    // A fan-out scope (one account's EC2 in one region): the call answers 500, its retry 100 ms later is throttled.
    const clock = fakeClock();
    const limiter = new CubicRateLimiter(clock);
    await limiter.getSendToken();
    clock.t += 0.05;
    limiter.updateClientSendingRate(transient);
    clock.t += 0.1;
    limiter.updateClientSendingRate(throttle);
    // 2 answers in the first half second: 4/s, cut to 70%: the retry waits about 0.36 s, not 2 s.
    expect(limiter.fillRate).toBeCloseTo(2.8, 5);
    const wait = await nextWait(limiter, clock);
    expect(wait).toBeGreaterThan(300);
    expect(wait).toBeLessThan(400);
  });

  it("the SDK's own limiter, in the same moment, waits about 2 s (what the test above guards against)", async () => {
    vi.useFakeTimers({ now: 1000_200 });
    const limiter = new DefaultRateLimiter();
    await limiter.getSendToken();
    vi.advanceTimersByTime(50);
    limiter.updateClientSendingRate(transient);
    vi.advanceTimersByTime(100);
    limiter.updateClientSendingRate(throttle);
    const started = Date.now();
    const sent = limiter.getSendToken();
    await vi.advanceTimersByTimeAsync(1800);
    let done = false;
    void sent.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await sent;
    expect(Date.now() - started).toBeGreaterThan(1800);
  });

  it('denied twin: throttles that go on keep cutting the rate, down to the floor of one request every 2 s', async () => {
    const clock = fakeClock();
    const limiter = new CubicRateLimiter(clock);
    const rates: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      await limiter.getSendToken();
      clock.t += 0.05;
      limiter.updateClientSendingRate(throttle);
      rates.push(limiter.fillRate);
    }
    for (let i = 1; i < rates.length; i += 1) expect(rates[i]).toBeLessThanOrEqual(rates[i - 1] ?? 0);
    expect(rates.at(-1)).toBe(0.5);
    expect(await nextWait(limiter, clock)).toBeGreaterThan(1000);
  });

  it('a measured scope: throttled at 100 requests per second, it sends at about 70 per second, then grows back', async () => {
    const clock = fakeClock(2000);
    const limiter = new CubicRateLimiter(clock);
    // 100 answers a second for two seconds: the windows close and measure it.
    for (let i = 0; i < 200; i += 1) {
      clock.t += 0.01;
      limiter.updateClientSendingRate({});
    }
    limiter.updateClientSendingRate(throttle);
    expect(limiter.fillRate).toBeGreaterThan(60);
    expect(limiter.fillRate).toBeLessThan(80);
    const cut = limiter.fillRate;
    for (let i = 0; i < 100; i += 1) {
      clock.t += 1 / 70;
      limiter.updateClientSendingRate({});
    }
    expect(limiter.fillRate).toBeGreaterThan(cut);
  });

  it('before any throttle it never waits', async () => {
    const clock = fakeClock();
    const limiter = new CubicRateLimiter(clock);
    for (let i = 0; i < 50; i += 1) {
      await limiter.getSendToken();
      limiter.updateClientSendingRate(transient);
    }
    expect(clock.slept).toBe(0);
  });
});
