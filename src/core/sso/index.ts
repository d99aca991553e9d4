/** IAM Identity Center as a source: the device flow, the encrypted token cache and refresh, the portal. */
export { loginCommand, oidcEndpoint, portalEndpoint, ssoLabel, type SsoSettings } from './sso-settings.js';
export {
  createOidcApi,
  createPortalApi,
  type ClientRegistration,
  type DeviceAuthorizationAnswer,
  type OidcApi,
  type PortalAccount,
  type PortalApi,
  type PortalRoleCredentials,
  type TokenAnswer,
} from './sso-apis.js';
export {
  abortableSleep,
  pollDeviceToken,
  SLOW_DOWN_SECONDS,
  SSO_SCOPES,
  type DeviceCode,
  type DeviceFlowEvent,
  type DeviceFlowOptions,
} from './device-flow.js';
export { SsoToken, type SsoTokenFields } from './sso-token.js';
export { SsoSession, TOKEN_REFRESH_MARGIN_MS, type LogoutResult, type SsoSessionOptions } from './sso-session.js';
export { getSsoRoleCredentials, listAssignments, withPortalToken, type SsoAssignment } from './portal.js';
export { ssoRoleAccessOf, type SsoRoleCredentialsAccess } from './sso-role-access.js';
export { notSignedIn, sessionExpired, ssoUnreachable } from './sso-errors.js';
export { identifySsoUser } from './identify-user.js';
export { ssoDir, tokenEntryName, tokenPath } from './token-cache.js';
export {
  awsTokenCacheDir,
  awsTokenCachePath,
  deleteAwsTokenCache,
  hasAwsTokenCache,
  readAwsTokenCache,
  type AwsCachedToken,
  writeAwsTokenCache,
} from './aws-token-cache.js';
export { lazySsoAccess, ssoAccessFromCache, type LazySsoAccess, type LazySsoAccessOptions } from './lazy-sso-access.js';
