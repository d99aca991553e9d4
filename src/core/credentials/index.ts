/** The credential engine: source credentials, MFA, role chains, the encrypted cache and single-flight refresh. */
export {
  needsRefresh,
  redactCredentials,
  remainingMs,
  RedactedAccountCredentials,
  RedactedCredentials,
  REFRESH_MARGIN_MS,
  type AccountCredentials,
  type Credentials,
} from './credentials.js';
export { stsClientFor, type StsClientFactory, type StsClientOptions } from './sts-client.js';
export {
  resolveSourceProvider,
  type CredentialProvider,
  type Env,
  type SourceOptions,
  type SourceProvider,
} from './source-provider.js';
export {
  CHAINED_MAX_SECONDS,
  DEFAULT_DURATION_SECONDS,
  resolveRoleChain,
  type ChainTarget,
  type RoleHop,
} from './role-chain.js';
export {
  explainAssumeRoleDenial,
  isGenericDenial,
  RoleDenialError,
  type AssumeRoleAttempt,
  type DenialExplanation,
  type DenialReason,
} from './explain-denial.js';
export { probeCallerPolicy, type CallerPolicyProbe } from './caller-policy.js';
export { identityFromArn, sanitizeSessionName } from './session-name.js';
export {
  loadCacheKey,
  osKeyring,
  type CacheKey,
  type CacheKeyOptions,
  type KeyringSlot,
  type KeyStore,
} from './cache-key.js';
export { cacheEntryPath, cacheDir } from './credential-cache.js';
export { withFileLock, type FileLockOptions } from './file-lock.js';
export {
  CredentialEngine,
  type AssumeAsOptions,
  type AssumedSession,
  type CredentialEngineOptions,
  type CredentialTarget,
  type GetCredentialsOptions,
  type MfaCodeProvider,
  type RemoteCredentials,
  type SourceIdentity,
} from './credential-engine.js';
export { stsFailure, type StsFailureContext } from './assume-error.js';
export {
  ssoLabel,
  unavailableSsoAccess,
  type SsoAccessContext,
  type SsoAccessFactory,
  type SsoRoleAccess,
  type SsoSignInState,
  type SsoSourceConfig,
} from './sso-access.js';
export { getCallerIdentity, type CallerIdentity } from './sts-calls.js';
