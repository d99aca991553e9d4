/** The one AWS client factory, the service registry, operations by any spelling, pagination and input checks. */
export {
  createAwsClient,
  createSdkClient,
  clientConfig,
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_BUDGET_MS,
  type AwsClientOptions,
  type SdkClientClass,
  type SdkClientConfig,
} from './create-aws-client.js';
export { ClientPool, type ClientPoolOptions, type PooledClientRequest } from './client-pool.js';
export {
  createRateLimiter,
  createRetryStrategy,
  describeRetries,
  formatBudget,
  retryReportOf,
  type RateLimiter,
  type RetryBudget,
  type RetryReport,
} from './retry-strategy.js';
export { retryWait, withRetryWaitListener, withoutRetryWaitListener, type RetryWaitListener } from './retry-wait.js';
export { findOperation, operationNames, type ResolvedOperation } from './find-operation.js';
export {
  callOperation,
  mergePages,
  withoutMetadata,
  type CallOptions,
  type OperationOutput,
} from './call-operation.js';
export { parseJsonInput, validateInput } from './validate-input.js';
export {
  globalRegionOf,
  isGlobalOperation,
  resolveService,
  serviceNames,
  SERVICES,
  type ServiceSpec,
} from './services.js';
export { operationAccess, READ_VERBS, type OperationAccess } from './operation-access.js';
export { operationParameters, type OperationParameter } from './operation-parameters.js';
export { matchesOperationQuery, operationQueryRank, serviceCatalog, type OperationEntry } from './operation-catalog.js';
export { didYouMean, nearestNames, normalizeName } from './suggest.js';
export { requireSdk, type SdkPackages } from './require-sdk.js';
export type { AwsClient, AwsCommand, Middleware, SendOptions } from './types.js';
