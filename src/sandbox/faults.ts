/**
 * Faults on demand: latency with jitter, 5xx error rates and throttling per account, region and API (as AWS
 * throttles: EC2's buckets, STS's and most others are per account and region; a global service's region is
 * us-east-1), so that retries, partial failure and benchmarks meet realistic conditions. Settable at start and
 * changed live by tests.
 */
export interface FaultRule {
  account?: string;
  service?: string;
  operation?: string;
  latencyMs?: number;
  jitterMs?: number;
  errorRate?: number;
  /**
   * Requests per second allowed per account, region and API before AWS's throttling error: a token bucket refilled
   * at this rate. With a capacity below 1 nothing passes, which is how tests make a throttle persist.
   */
  throttleRps?: number;
  /**
   * The bucket's capacity, in requests: AWS's buckets have one apart from their refill rate. Default: one second's
   * worth (`throttleRps`). A small one models an account whose API is already busy with other callers.
   */
  throttleBurst?: number;
}

export interface Faults extends Omit<FaultRule, 'account' | 'service' | 'operation'> {
  /** More specific settings; the first matching rule's fields override the global ones. */
  rules?: FaultRule[];
}

/** One request as the faults see it: who calls, where, and what. */
export interface FaultCall {
  account: string;
  /** The region the request is for (its SigV4 scope; us-east-1 for a global service). */
  region: string;
  service: string;
  operation: string;
}

export interface FaultDecision {
  delayMs: number;
  fail?: 'error' | 'throttle';
}

interface Bucket {
  tokens: number;
  last: number;
}

/** What the faults did since they were last set, per `service:Operation`: for benchmarks to show, not guess. */
export type FaultCounts = Record<string, { requests: number; throttled: number; errors: number }>;

export class FaultInjector {
  private faults: Faults;
  private readonly buckets = new Map<string, Bucket>();
  private readonly random: () => number;
  private counts: FaultCounts = {};

  constructor(faults: Faults = {}, random: () => number = Math.random) {
    this.faults = faults;
    this.random = random;
  }

  set(faults: Faults): void {
    this.faults = faults;
    this.buckets.clear();
    this.counts = {};
  }

  /** Requests, throttles and injected errors per `service:Operation` since the faults were last set. */
  stats(): FaultCounts {
    return this.counts;
  }

  private count(service: string, operation: string, fail: FaultDecision['fail']): void {
    const key = `${service}:${operation}`;
    const c = (this.counts[key] ??= { requests: 0, throttled: 0, errors: 0 });
    c.requests += 1;
    if (fail === 'throttle') c.throttled += 1;
    if (fail === 'error') c.errors += 1;
  }

  get(): Faults {
    return this.faults;
  }

  decide(call: FaultCall, nowMs: number): FaultDecision {
    const decision = this.decideOnce(call, nowMs);
    this.count(call.service, call.operation, decision.fail);
    return decision;
  }

  private decideOnce({ account, region, service, operation }: FaultCall, nowMs: number): FaultDecision {
    const rule = this.faults.rules?.find(
      (r) =>
        (r.account === undefined || r.account === account) &&
        (r.service === undefined || r.service === service) &&
        (r.operation === undefined || r.operation === operation),
    );
    const latency = rule?.latencyMs ?? this.faults.latencyMs ?? 0;
    const jitter = rule?.jitterMs ?? this.faults.jitterMs ?? 0;
    const delayMs = Math.max(0, latency + (jitter > 0 ? (this.random() * 2 - 1) * jitter : 0));
    const rps = rule?.throttleRps ?? this.faults.throttleRps;
    if (rps !== undefined && rps > 0) {
      const burst = rule?.throttleBurst ?? this.faults.throttleBurst ?? rps;
      if (!this.take(`${account}/${region}/${service}/${operation}`, rps, burst, nowMs))
        return { delayMs, fail: 'throttle' };
    }
    const errorRate = rule?.errorRate ?? this.faults.errorRate ?? 0;
    if (errorRate > 0 && this.random() < errorRate) return { delayMs, fail: 'error' };
    return { delayMs };
  }

  /** A token bucket per account, region and API, refilled at `rps` up to `burst` tokens; it starts full. */
  private take(key: string, rps: number, burst: number, nowMs: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: burst, last: nowMs };
    bucket.tokens = Math.min(burst, bucket.tokens + ((nowMs - bucket.last) / 1000) * rps);
    bucket.last = nowMs;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
