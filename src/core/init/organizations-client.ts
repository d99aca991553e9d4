import { DEFAULT_REGION } from '../config/registry.js';
import { createSdkClient, type AwsClientOptions } from '../aws-clients/create-aws-client.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const { OrganizationsClient } = requireSdk('@aws-sdk/client-organizations');
type OrganizationsClient = InstanceType<typeof OrganizationsClient>;

export interface OrganizationsClientOptions {
  credentials: AwsClientOptions['credentials'];
  /** Organizations is global; its endpoint lives in us-east-1 (us-gov-west-1, cn-northwest-1 elsewhere). */
  region?: string;
  /** Only for the sandbox or another AWS-compatible endpoint (config `endpoint`). */
  endpoint?: string | undefined;
  maxAttempts?: number;
}

/**
 * The Organizations client for discovery, from the one client factory. Organizations throttles each account at
 * a few requests per second, and a 5,000-account organization takes thousands of calls: the SDK's adaptive retry
 * mode backs off and rate-limits on the client side instead of failing on the first ThrottlingException.
 */
export function createOrganizationsClient(options: OrganizationsClientOptions): OrganizationsClient {
  return createSdkClient(OrganizationsClient, 'organizations', {
    region: options.region ?? DEFAULT_REGION,
    credentials: options.credentials,
    endpoint: options.endpoint,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 10,
  });
}
