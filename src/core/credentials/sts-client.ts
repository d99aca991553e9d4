import { STSClient } from '@aws-sdk/client-sts';
import { createSdkClient } from '../aws-clients/create-aws-client.js';
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
 * An STS client for one set of credentials, from the one client factory (its endpoint kept, its settings looked
 * up once per process). The credential path keeps its own figures: few attempts, in standard mode (an AssumeRole
 * is one call, not a fan-out to pace), and short timeouts.
 */
export const stsClientFor: StsClientFactory = (credentials, options) =>
  createSdkClient(STSClient, 'sts', {
    region: options.region,
    credentials,
    endpoint: options.endpoint,
    maxAttempts: options.maxAttempts ?? 3,
    retryMode: 'standard',
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
  });
