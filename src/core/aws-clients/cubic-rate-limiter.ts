import type { RetryErrorInfo } from '@smithy/types';

/**
 * The client-side rate limiter of the SDK's adaptive retry mode (a token bucket whose fill rate follows CUBIC:
 * cut to 70% of the measured sending rate on a throttle, then grown back along a cubic curve), written out here
 * with the SDK's constants and one change: the sending rate of a scope that has not yet been measured.
 *
 * The SDK measures the rate in half-second windows and has no measurement until its first window closes. A
 * throttle before that (a fan-out scope sees one call and its retry within a fraction of a second) takes the
 * rate to use as 0, so the bucket's rate falls to its floor, 0.5 request per second, and the retry waits 2 s
 * for a token however fast the service refills. Here an unmeasured scope's rate is its requests so far over the
 * time since its first one (at least one window), which is what the first window would have said.
 */
export interface RateLimiterClock {
  /** Seconds, fractional. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

const BETA = 0.7;
const MIN_CAPACITY = 1;
const MIN_FILL_RATE = 0.5;
const SCALE_CONSTANT = 0.4;
const SMOOTH = 0.8;
/** The measuring window, in seconds. */
const WINDOW = 0.5;

const realClock: RateLimiterClock = {
  now: () => Date.now() / 1000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function isThrottle(info: Partial<RetryErrorInfo>): boolean {
  return info.errorType === 'THROTTLING';
}

export class CubicRateLimiter {
  readonly #clock: RateLimiterClock;
  #enabled = false;
  #availableTokens = 0;
  #lastMaxRate = 0;
  /** Undefined until the first window has closed. */
  #measuredTxRate: number | undefined;
  #requestCount = 0;
  #firstRequest: number | undefined;
  #fillRate = MIN_FILL_RATE;
  #maxCapacity = MIN_CAPACITY;
  #lastThrottleTime: number;
  #lastTimestamp: number | undefined;
  #lastTxRateBucket: number | undefined;
  #timeWindow = 0;

  constructor(clock: RateLimiterClock = realClock) {
    this.#clock = clock;
    this.#lastThrottleTime = clock.now();
  }

  /** Waits for a token, once a throttle has turned the bucket on; before that, sends at once. */
  async getSendToken(): Promise<void> {
    if (!this.#enabled) return;
    this.#refill();
    while (this.#availableTokens < 1) {
      // At least a millisecond: a wait rounded to nothing would spin.
      await this.#clock.sleep(Math.max(1, Math.ceil(((1 - this.#availableTokens) / this.#fillRate) * 1000)));
      this.#refill();
    }
    this.#availableTokens -= 1;
  }

  /** Learns from one answer: a throttle cuts the rate, anything else grows it back. */
  updateClientSendingRate(info: Partial<RetryErrorInfo>): void {
    const now = this.#clock.now();
    const measured = this.#measure(now);
    let rate: number;
    if (isThrottle(info)) {
      const rateToUse = this.#enabled ? Math.min(measured, this.#fillRate) : measured;
      this.#lastMaxRate = rateToUse;
      // How long the cubic curve takes to grow back to the rate of this throttle.
      this.#timeWindow = Math.cbrt((rateToUse * (1 - BETA)) / SCALE_CONSTANT);
      this.#lastThrottleTime = now;
      rate = rateToUse * BETA;
      this.#enabled = true;
    } else {
      rate = SCALE_CONSTANT * (now - this.#lastThrottleTime - this.#timeWindow) ** 3 + this.#lastMaxRate;
    }
    this.#setRate(Math.min(rate, 2 * measured));
  }

  /** The sending rate the bucket allows now, requests per second (for tests and messages). */
  get fillRate(): number {
    return this.#fillRate;
  }

  #setRate(rate: number): void {
    this.#refill();
    this.#fillRate = Math.max(rate, MIN_FILL_RATE);
    this.#maxCapacity = Math.max(rate, MIN_CAPACITY);
    this.#availableTokens = Math.min(this.#availableTokens, this.#maxCapacity);
  }

  #refill(): void {
    const now = this.#clock.now();
    if (this.#lastTimestamp === undefined) {
      this.#lastTimestamp = now;
      return;
    }
    this.#availableTokens = Math.min(
      this.#maxCapacity,
      this.#availableTokens + (now - this.#lastTimestamp) * this.#fillRate,
    );
    this.#lastTimestamp = now;
  }

  /** Counts one answer and returns the sending rate: smoothed over closed windows, or so far when none closed. */
  #measure(now: number): number {
    const bucket = Math.floor(now / WINDOW) * WINDOW;
    this.#firstRequest ??= now;
    this.#lastTxRateBucket ??= bucket;
    this.#requestCount += 1;
    if (bucket > this.#lastTxRateBucket) {
      const current = this.#requestCount / (bucket - this.#lastTxRateBucket);
      this.#measuredTxRate =
        this.#measuredTxRate === undefined ? current : current * SMOOTH + this.#measuredTxRate * (1 - SMOOTH);
      this.#requestCount = 0;
      this.#lastTxRateBucket = bucket;
    }
    return this.#measuredTxRate ?? this.#requestCount / Math.max(WINDOW, now - this.#firstRequest);
  }
}
