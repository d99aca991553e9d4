import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@smithy/types';
import type { Credentials } from '../credentials/credentials.js';
import { isAwsClient, loadService } from './load-service.js';
import { addNonAwsAnswerCheck } from './non-aws-answer.js';
import { createRateLimiter, createRetryStrategy, type RateLimiter } from './retry-strategy.js';
import { resolveService, type ServiceSpec } from './services.js';
import { knownSettings, learnSettings, pendingSettings } from './shared-settings.js';
import type { AwsClient } from './types.js';

/**
 * THE factory of AWS clients (STYLE.md pattern 8): every client crossbar makes for a service comes from here,
 * with its region, credentials, endpoint, retries and timeouts. The endpoint is passed through as given (the
 * lesson of iam-collect's pool, which dropped it); S3 then needs path-style addressing, since a custom
 * endpoint such as http://127.0.0.1:4566 has no bucket subdomains. What the SDK would otherwise look up in the
 * environment and the ini files for each client is looked up once per service and process (shared-settings.ts).
 */
export interface AwsClientOptions {
  region: string;
  /** Credentials, or a provider the SDK calls when it needs them. */
  credentials: Credentials | (() => Promise<Credentials>);
  /** Only for the sandbox or another AWS-compatible endpoint (config `endpoint`). */
  endpoint?: string | undefined;
  /** Attempts per call, the first included. The SDK's retry strategy does the retrying. */
  maxAttempts?: number;
  /** `adaptive` adds the SDK's client-side rate limiter to standard retries: what a fan-out wants. */
  retryMode?: 'adaptive' | 'standard';
  /**
   * Adaptive mode's token bucket, shared by every client that calls one throttling scope (an account's API in a
   * region); absent, the client gets its own.
   */
  rateLimiter?: RateLimiter | undefined;
  /** No new attempt of a call starts this long after its first (default 30 s). */
  retryBudgetMs?: number;
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Keep-alive agents shared by many clients, so that calls to one regional endpoint reuse connections. */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
}

export const DEFAULT_MAX_ATTEMPTS = 8;
export const DEFAULT_RETRY_BUDGET_MS = 30_000;

/** What every client is given: the SDK types each of these the same way in every client's configuration. */
export interface SdkClientConfig {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  maxAttempts: number;
  retryMode: 'adaptive' | 'standard';
  /** The SDK's strategy for `retryMode`, with crossbar's time budget and its record of why it gave up. */
  retryStrategy: RetryStrategyV2;
  requestHandler: {
    requestTimeout?: number;
    connectionTimeout: number;
    httpAgent?: HttpAgent;
    httpsAgent?: HttpsAgent;
  };
  endpoint?: string;
  forcePathStyle?: boolean;
  followRegionRedirects?: boolean;
}

/** An SDK client class that a module imports for its typed commands (STS on the credential path, say). */
export type SdkClientClass<C> = new (config: SdkClientConfig) => C;

/**
 * crossbar's credentials as the SDK types them. The SDK declares `sessionToken?: string` (absent, never
 * `undefined`); crossbar's `RedactedCredentials` keeps the token in a private field behind a getter, which reads
 * `undefined` when there is none, and the SDK's signer reads it exactly so. Copying the secret into a plain object
 * would defeat the redaction, so the one place crossbar hands credentials to the SDK states the type instead.
 */
function sdkCredentials(
  credentials: Credentials | (() => Promise<Credentials>),
): AwsCredentialIdentity | AwsCredentialIdentityProvider {
  return credentials as AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

/** The SDK client configuration for these options: exported so that a test can read what a client gets. */
export function clientConfig(spec: ServiceSpec, options: AwsClientOptions): SdkClientConfig {
  const requestHandler = {
    ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 5_000,
    ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}),
    ...(options.httpsAgent ? { httpsAgent: options.httpsAgent } : {}),
  };
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const retryMode = options.retryMode ?? 'adaptive';
  const retryStrategy = createRetryStrategy({
    maxAttempts,
    budgetMs: options.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS,
    rateLimiter: retryMode === 'adaptive' ? (options.rateLimiter ?? createRateLimiter()) : undefined,
    service: spec.clientClass.replace(/Client$/, ''),
  });
  return {
    region: options.region,
    credentials: sdkCredentials(options.credentials),
    maxAttempts,
    retryMode,
    retryStrategy,
    requestHandler,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.endpoint && spec.name === 's3' ? { forcePathStyle: true } : {}),
    // A bucket answers only in its own region (301 PermanentRedirect naming it elsewhere): a fan-out that asks
    // every account in one region for a bucket-level operation follows the redirect instead of failing.
    ...(spec.name === 's3' ? { followRegionRedirects: true } : {}),
  };
}

/** A client of `service` (`ec2`, `s3`, `ce`, …): the SDK package is imported on first use. */
export async function createAwsClient(service: string | ServiceSpec, options: AwsClientOptions): Promise<AwsClient> {
  const spec = typeof service === 'string' ? resolveService(service) : service;
  const loaded = await loadService(spec);
  // Clients made at once (a fan-out's first wave) wait for the first one's settings rather than each look them up.
  const shared = pendingSettings(spec.name);
  if (shared) {
    const client = loaded.createClient({ ...(await shared), ...clientConfig(spec, options) });
    addNonAwsAnswerCheck(client);
    return client;
  }
  const client = loaded.createClient({ ...clientConfig(spec, options) });
  addNonAwsAnswerCheck(client);
  learnSettings(spec.name, client);
  return client;
}

/**
 * The same client, of a class the caller imported itself for its typed commands and paginators, made at once:
 * the credential engine makes its STS clients synchronously. It receives the shared settings once some client
 * of the service has resolved them.
 */
export function createSdkClient<C>(Client: SdkClientClass<C>, service: string, options: AwsClientOptions): C {
  const spec = resolveService(service);
  const client = new Client({ ...knownSettings(spec.name), ...clientConfig(spec, options) });
  if (isAwsClient(client)) {
    addNonAwsAnswerCheck(client);
    learnSettings(spec.name, client);
  }
  return client;
}
