import { STSClient } from '@aws-sdk/client-sts';
import type { Credentials } from './credentials.js';

export interface StsClientOptions {
  region: string;
  /** Only for the sandbox or another AWS-compatible endpoint (config `endpoint`). */
  endpoint?: string;
  /** SDK attempts per call; the SDK's own retry strategy does the retrying. */
  maxAttempts?: number;
  /** A dead endpoint must fail fast rather than hang a credential-process call. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** How the engine gets an STS client; tests pass their own to count calls. */
export type StsClientFactory = (credentials: Credentials, options: StsClientOptions) => STSClient;

/**
 * An STS client for one set of credentials. The endpoint is passed through as given (iam-collect's pool once
 * accepted an endpoint and dropped it); a later issue folds this into the general client factory.
 */
export const stsClientFor: StsClientFactory = (credentials, options) =>
  new STSClient({
    region: options.region,
    credentials,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 15_000,
    },
  });
