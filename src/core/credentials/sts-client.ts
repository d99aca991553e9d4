import type { STSClient } from '@aws-sdk/client-sts';
import { createSdkClient } from '../aws-clients/create-aws-client.js';
import type { RateLimiter, RetryBudget } from '../aws-clients/retry-strategy.js';
import { requireSdk } from '../aws-clients/require-sdk.js';
import type { Credentials } from './credentials.js';

export interface StsClientOptions {
  region: string;
  /** Only for the sandbox or another AWS-compatible endpoint (config `endpoint`). */
  endpoint?: string;
  /** SDK attempts per call; the SDK's own retry strategy does the retrying. */
  maxAttempts?: number;
  /** No new attempt of a call starts this long after its first. */
  retryBudgetMs?: number;
  /** The token bucket of the caller's account: every STS client of one caller shares it. */
  rateLimiter?: RateLimiter | undefined;
  /** A dead endpoint must fail fast rather than hang a credential-process call. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** How the engine gets an STS client; tests pass their own to count calls. */
export type StsClientFactory = (credentials: Credentials, options: StsClientOptions) => STSClient;

/**
 * The credential path's retry budget. AWS throttles STS per calling account, and a cold fan-out sends every
 * AssumeRole from the one source account, so throttling there is the rule rather than the exception: the calls
 * are paced by the shared adaptive rate limiter, and each may be retried (backoff with full jitter, 1 s base
 * for throttles) up to 8 attempts within 30 s, which leaves room inside a fan-out target's 60 s timeout.
 */
export const STS_RETRY_BUDGET: RetryBudget = { maxAttempts: 8, budgetMs: 30_000 };

/**
 * An STS client for one set of credentials, from the one client factory (its endpoint kept, its settings looked
 * up once per process), in adaptive mode with the credential path's budget and short connection timeouts.
 */
export const stsClientFor: StsClientFactory = (credentials, options) =>
  createSdkClient(requireSdk('@aws-sdk/client-sts').STSClient, 'sts', {
    region: options.region,
    credentials,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts ?? STS_RETRY_BUDGET.maxAttempts,
    retryBudgetMs: options.retryBudgetMs ?? STS_RETRY_BUDGET.budgetMs,
    retryMode: 'adaptive',
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
  });
