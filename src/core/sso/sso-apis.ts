import type { SSOClient } from '@aws-sdk/client-sso';
import type { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { requireSdk } from '../aws-clients/require-sdk.js';
import { oidcEndpoint, portalEndpoint, type SsoSettings } from './sso-settings.js';

/**
 * The SSO OIDC and portal calls crossbar makes, as two small interfaces: the real ones send them with the SDK's
 * own clients (`@aws-sdk/client-sso-oidc`, `@aws-sdk/client-sso`: the wire format is theirs), and unit tests pass
 * fakes. Neither API is SigV4-signed (OIDC is unauthenticated, the portal takes the bearer token in a header), so
 * these clients carry no AWS credentials, which is why they are not made by the signed-client factory.
 */
export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  /** When the registration stops working (RegisterClient's clientSecretExpiresAt). */
  expiresAt: Date;
}

export interface DeviceAuthorizationAnswer {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string | undefined;
  expiresInSeconds: number;
  intervalSeconds: number;
}

export interface TokenAnswer {
  accessToken: string;
  expiresInSeconds: number;
  refreshToken?: string | undefined;
}

export interface OidcApi {
  registerClient(clientName: string, scopes: readonly string[]): Promise<ClientRegistration>;
  startDeviceAuthorization(client: ClientRegistration, startUrl: string): Promise<DeviceAuthorizationAnswer>;
  createToken(
    client: ClientRegistration,
    grant: { deviceCode: string } | { refreshToken: string },
  ): Promise<TokenAnswer>;
}

export interface PortalAccount {
  accountId: string;
  accountName?: string | undefined;
  emailAddress?: string | undefined;
}

export interface PortalRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface PortalApi {
  listAccounts(accessToken: string, nextToken?: string): Promise<{ accounts: PortalAccount[]; nextToken?: string }>;
  listAccountRoles(
    accessToken: string,
    accountId: string,
    nextToken?: string,
  ): Promise<{ roles: string[]; nextToken?: string }>;
  getRoleCredentials(accessToken: string, accountId: string, roleName: string): Promise<PortalRoleCredentials>;
  logout(accessToken: string): Promise<void>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Short timeouts: a dead endpoint must fail in seconds, not hang `crossbar login` or a credential-process call. */
function clientConfig(region: string, endpoint: string, explicit: boolean) {
  return {
    region,
    ...(explicit ? { endpoint } : {}),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
  };
}

const text = (v: string | undefined, what: string): string => {
  if (!v) throw new Error(`the answer has no ${what}`);
  return v;
};

export function createOidcApi(settings: Pick<SsoSettings, 'region' | 'endpoint'>): OidcApi & { destroy(): void } {
  const sdk = requireSdk('@aws-sdk/client-sso-oidc');
  const client: SSOOIDCClient = new sdk.SSOOIDCClient(
    clientConfig(settings.region, oidcEndpoint(settings), settings.endpoint !== undefined),
  );
  return {
    async registerClient(clientName, scopes) {
      const out = await client.send(
        new sdk.RegisterClientCommand({ clientName, clientType: 'public', scopes: [...scopes] }),
      );
      return {
        clientId: text(out.clientId, 'clientId'),
        clientSecret: text(out.clientSecret, 'clientSecret'),
        expiresAt: new Date((out.clientSecretExpiresAt ?? 0) * 1000),
      };
    },
    async startDeviceAuthorization(reg, startUrl) {
      const out = await client.send(
        new sdk.StartDeviceAuthorizationCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, startUrl }),
      );
      return {
        deviceCode: text(out.deviceCode, 'deviceCode'),
        userCode: text(out.userCode, 'userCode'),
        verificationUri: text(out.verificationUri, 'verificationUri'),
        verificationUriComplete: out.verificationUriComplete,
        expiresInSeconds: out.expiresIn ?? 600,
        intervalSeconds: out.interval ?? 5,
      };
    },
    async createToken(reg, grant) {
      const out = await client.send(
        new sdk.CreateTokenCommand({
          clientId: reg.clientId,
          clientSecret: reg.clientSecret,
          ...('deviceCode' in grant
            ? { grantType: DEVICE_GRANT, deviceCode: grant.deviceCode }
            : { grantType: 'refresh_token', refreshToken: grant.refreshToken }),
        }),
      );
      return {
        accessToken: text(out.accessToken, 'accessToken'),
        expiresInSeconds: out.expiresIn ?? 3600,
        ...(out.refreshToken ? { refreshToken: out.refreshToken } : {}),
      };
    },
    destroy: () => client.destroy(),
  };
}

export function createPortalApi(settings: Pick<SsoSettings, 'region' | 'endpoint'>): PortalApi & { destroy(): void } {
  const sdk = requireSdk('@aws-sdk/client-sso');
  const client: SSOClient = new sdk.SSOClient(
    clientConfig(settings.region, portalEndpoint(settings), settings.endpoint !== undefined),
  );
  return {
    async listAccounts(accessToken, nextToken) {
      const out = await client.send(new sdk.ListAccountsCommand({ accessToken, ...(nextToken ? { nextToken } : {}) }));
      const accounts = (out.accountList ?? []).flatMap((a) =>
        a.accountId ? [{ accountId: a.accountId, accountName: a.accountName, emailAddress: a.emailAddress }] : [],
      );
      return { accounts, ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
    },
    async listAccountRoles(accessToken, accountId, nextToken) {
      const out = await client.send(
        new sdk.ListAccountRolesCommand({ accessToken, accountId, ...(nextToken ? { nextToken } : {}) }),
      );
      const roles = (out.roleList ?? []).flatMap((r) => (r.roleName ? [r.roleName] : []));
      return { roles, ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
    },
    async getRoleCredentials(accessToken, accountId, roleName) {
      const out = await client.send(new sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName }));
      const c = out.roleCredentials;
      return {
        accessKeyId: text(c?.accessKeyId, 'accessKeyId'),
        secretAccessKey: text(c?.secretAccessKey, 'secretAccessKey'),
        sessionToken: text(c?.sessionToken, 'sessionToken'),
        expiration: new Date(c?.expiration ?? 0),
      };
    },
    async logout(accessToken) {
      await client.send(new sdk.LogoutCommand({ accessToken }));
    },
    destroy: () => client.destroy(),
  };
}
