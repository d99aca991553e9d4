/**
 * IAM Identity Center as the sandbox keeps it: one instance per organization, its identity store (users and
 * groups), permission sets, account assignments, and the SSO OIDC clients, device authorizations and tokens that
 * sign people in. Plain JSON, persisted with `--state` like the rest of the world.
 */
export interface IdentityCenterState {
  /** arn:aws:sso:::instance/ssoins-<16 hex> */
  instanceArn: string;
  /** d-<10 hex> */
  identityStoreId: string;
  /** The home region: SSO OIDC and the portal answer for it. */
  region: string;
  /** https://d-<10 hex>.awsapps.com/start */
  startUrl: string;
  /** The identity store's users, by user name. */
  users: Record<string, IdcUser>;
  /** The identity store's groups, by display name. */
  groups: Record<string, IdcGroup>;
  /** Permission sets, by name. */
  permissionSets: Record<string, PermissionSet>;
  assignments: AccountAssignment[];
  /** SSO OIDC clients (RegisterClient), by client id. */
  clients: Record<string, OidcClient>;
  /** Device authorizations (StartDeviceAuthorization), by device code. Secret: never logged. */
  devices: Record<string, DeviceAuthorization>;
  /** Access tokens, by token. Secret: never logged. */
  accessTokens: Record<string, SsoAccessToken>;
  /** Refresh tokens, by token. Secret: never logged. */
  refreshTokens: Record<string, SsoRefreshToken>;
}

export interface IdcUser {
  /** The identity store user id, `<10 hex>-<uuid>` as AWS shows it. */
  userId: string;
  userName: string;
  displayName: string;
  email: string;
}

export interface IdcGroup {
  groupId: string;
  displayName: string;
  /** Member user names. */
  members: string[];
}

export interface PermissionSet {
  name: string;
  /** arn:aws:sso:::permissionSet/ssoins-…/ps-<16 hex> */
  arn: string;
  description?: string;
  /** ISO 8601 duration, PT1H to PT12H: how long GetRoleCredentials' credentials last. */
  sessionDuration: string;
  /** AWS managed policy ARNs. */
  managedPolicies: string[];
  /** The inline policy, as JSON text (provisioned as the role's `AwsSSOInlinePolicy`). */
  inlinePolicy?: string;
}

export interface AccountAssignment {
  accountId: string;
  permissionSet: string;
  principalType: 'USER' | 'GROUP';
  /** The user name or the group's display name. */
  principalName: string;
}

export interface OidcClient {
  clientId: string;
  /** Secret: never logged. */
  clientSecret: string;
  clientName: string;
  scopes: string[];
  issuedAt: number;
  /** Epoch ms. */
  expiresAt: number;
}

export interface DeviceAuthorization {
  /** Secret: never logged. */
  deviceCode: string;
  userCode: string;
  clientId: string;
  /** Epoch ms. */
  expiresAt: number;
  /** Seconds between polls; grows by 5 with every SlowDownException, as RFC 8628 says. */
  interval: number;
  lastPollAt?: number;
  status: 'pending' | 'approved' | 'denied' | 'redeemed';
  /** Who approved it. */
  userName?: string;
}

export interface SsoAccessToken {
  userName: string;
  clientId: string;
  /** The sign-in this token belongs to: Logout ends every token of it. */
  sessionId: string;
  /** Epoch ms. */
  expiresAt: number;
  revoked?: boolean;
}

export interface SsoRefreshToken {
  userName: string;
  clientId: string;
  sessionId: string;
  scopes: string[];
  /** Epoch ms: the sign-in's end, after which no refresh works. */
  sessionExpiresAt: number;
  revoked?: boolean;
}
