/**
 * crossbar as a library: `import { createCrossbar, loadConfigFile, collectFanout } from 'crossbar-aws'`.
 *
 * The front door is `createCrossbar(options)`, the composition root: the registry of accounts, the source identity,
 * the credential engine (cache, MFA, role chains), the one AWS client factory and the clock. Every feature takes
 * that root as its first argument: `collectFanout(crossbar, { accounts, regions, work })`,
 * `syncInventory(crossbar, …)`, `runAudit(crossbar, …)`, `runTrail(crossbar, …)`, `loadCost(crossbar, …)`,
 * `checkReachability(crossbar, …)`, `createIamAccess(crossbar, …)`.
 *
 * Nothing here prints, prompts, exits or listens: MFA codes and progress are callbacks, failures are values (one
 * result per target) or a `CrossbarError` with a code and a hint. The CLI (`crossbar …`) is built on exactly this.
 *
 * This module only re-exports. It loads the whole library at once; the CLI imports the per-area entry points
 * (`core/<area>/index.ts`) instead, so that a command loads only what it uses.
 */

// The root and its configuration.
export {
  createCrossbar,
  SOURCE_ROLE_KEY,
  type Crossbar,
  type CrossbarOptions,
  type FanoutAccountOptions,
  type TargetIdentity,
} from './crossbar.js';
export { loadConfigFile, parseConfig } from './config/load-config.js';
export type { Config } from './config/schema.js';
export {
  buildRegistry,
  DEFAULT_REGION,
  homeRegion,
  type Registry,
  type RegistryAccount,
  type RegistryRole,
  type RegistrySource,
  type SsoSourceConfig,
} from './config/registry.js';
export { resolveConfigPath, resolveCrossbarHome } from './config-location.js';
export { selectAccounts, resolveTarget, type ResolvedTarget } from './select/select-accounts.js';

// Errors: one type, one vocabulary of codes.
export {
  CrossbarError,
  FAILURE_CODES,
  isCrossbarError,
  isUsageError,
  USAGE_CODES,
  type ErrorCode,
  type FailureCode,
} from './errors.js';
export { parseArn, type Arn } from './arn.js';

// Credentials.
export type {
  Credentials,
  KeyStore,
  MfaCodeProvider,
  RedactedAccountCredentials,
  SourceIdentity,
  SourceProvider,
  SsoAccessContext,
  SsoAccessFactory,
  SsoRoleAccess,
  SsoSignInState,
} from './credentials/index.js';

// Fan-out: one operation over accounts × regions, one result per target.
export {
  ALL_REGIONS,
  collectFanout,
  coverageGrid,
  FANOUT_DEFAULTS,
  formatSummary,
  parseRegionList,
  runFanout,
  summarize,
  TargetFailure,
  type CoverageGrid,
  type FanoutAccount,
  type FanoutProgress,
  type FanoutRoot,
  type FanoutRun,
  type FanoutSummary,
  type FanoutTarget,
  type RunFanoutOptions,
  type TargetError,
  type TargetResult,
  type WorkContext,
} from './fanout/index.js';
export { mapBounded } from './map-bounded.js';
export {
  callOperation,
  createAwsClient,
  findOperation,
  operationNames,
  parseJsonInput,
  serviceNames,
  validateInput,
  type AwsClient,
  type OperationOutput,
  type ResolvedOperation,
} from './aws-clients/index.js';

// Reachability: can I assume it, and if not, why.
export {
  checkReachability,
  failureReason,
  roleTargets,
  summarizeReachability,
  type Reach,
  type RoleTarget,
} from './reachability.js';

// Inventory and query.
export {
  InventoryStore,
  inventoryPath,
  RESOURCE_TYPES,
  resolveResourceTypes,
  syncInventory,
  type SyncInventoryOptions,
  type SyncReport,
} from './inventory/index.js';
export { queryInventory } from './query/index.js';

// The bill.
export { loadCost, type LoadCostOptions, type LoadedCost, type CostReport } from './cost/index.js';

// Audit and CloudTrail evidence.
export {
  collectAccounts,
  runAudit,
  toSarif,
  whoCan,
  type AuditReport,
  type AuditRoot,
  type Finding,
  type RunAuditOptions,
} from './audit/index.js';
export { parseSince, runTrail, type RunTrailOptions, type TrailReport } from './audit/trail/index.js';

// Bootstrap: the cross-account roles, as code or applied.
export {
  applyBootstrap,
  createIamAccess,
  planBootstrap,
  renderCloudFormation,
  renderJson,
  renderTerraform,
  resolveBootstrapSpec,
  type BootstrapPlan,
  type BootstrapSpec,
} from './bootstrap/index.js';

// Hopping: profiles for ~/.aws/config, console links.
export { renderProfiles } from './aws-config/index.js';
export { federationUrls, signInToConsole, switchRoleUrl } from './console/index.js';

// The source's own keys: rotation as aws-vault does it.
export { rotateSourceKey, type RotateEvent, type RotateOptions, type RotateResult } from './rotate/index.js';
