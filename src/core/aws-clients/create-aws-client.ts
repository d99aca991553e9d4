import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { Credentials } from '../credentials/credentials.js';
import { loadService } from './load-service.js';
import { resolveService, type ServiceSpec } from './services.js';
import type { AwsClient } from './types.js';

/**
 * THE factory of AWS clients (STYLE.md pattern 8): every client crossbar makes for a service comes from here,
 * with its region, credentials, endpoint, retries and timeouts. The endpoint is passed through as given (the
 * lesson of iam-collect's pool, which dropped it); S3 then needs path-style addressing, since a custom
 * endpoint such as http://127.0.0.1:4566 has no bucket subdomains.
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
  requestTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** Keep-alive agents shared by many clients, so that calls to one regional endpoint reuse connections. */
  httpAgent?: HttpAgent;
  httpsAgent?: HttpsAgent;
  /** SDK settings already resolved by another client of the service (see ClientPool); passed through as they are. */
  resolvedSettings?: Readonly<Record<string, unknown>>;
}

export const DEFAULT_MAX_ATTEMPTS = 6;

/** The SDK client configuration for these options: exported so that a test can read what a client gets. */
export function clientConfig(spec: ServiceSpec, options: AwsClientOptions): Record<string, unknown> {
  const requestHandler = {
    ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 5_000,
    ...(options.httpAgent ? { httpAgent: options.httpAgent } : {}),
    ...(options.httpsAgent ? { httpsAgent: options.httpsAgent } : {}),
  };
  return {
    ...options.resolvedSettings,
    region: options.region,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: options.retryMode ?? 'adaptive',
    requestHandler,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.endpoint && spec.name === 's3' ? { forcePathStyle: true } : {}),
  };
}

/** A client of `service` (`ec2`, `s3`, `ce`, …): the SDK package is imported on first use. */
export async function createAwsClient(service: string | ServiceSpec, options: AwsClientOptions): Promise<AwsClient> {
  const spec = typeof service === 'string' ? resolveService(service) : service;
  const loaded = await loadService(spec);
  return loaded.createClient(clientConfig(spec, options));
}
