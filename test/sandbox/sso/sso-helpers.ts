import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
import { SSOClient } from '@aws-sdk/client-sso';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../../src/sandbox/server.js';

/** The real SSO OIDC and portal clients against an in-process sandbox: unsigned, so no credentials. */
export function oidcClient(sb: Sandbox): SSOOIDCClient {
  return new SSOOIDCClient({
    endpoint: sb.endpoint,
    region: sb.identityCenter()?.region ?? 'eu-west-1',
    maxAttempts: 1,
  });
}

export function portalClient(sb: Sandbox): SSOClient {
  return new SSOClient({ endpoint: sb.endpoint, region: sb.identityCenter()?.region ?? 'eu-west-1', maxAttempts: 1 });
}

export function startUrl(sb: Sandbox): string {
  const ic = sb.identityCenter();
  if (!ic) throw new Error('the sandbox has no Identity Center');
  return ic.startUrl;
}

/**
 * An AWS config file with one `[sso-session]` on the sandbox's Identity Center and a profile per (account,
 * permission set), as `aws configure sso` writes it; written as `home/config-NAME`, its path returned.
 */
export function writeSsoConfig(
  sb: Sandbox,
  home: string,
  session: string,
  profiles: Record<string, { account: string; role: string }>,
): string {
  const lines = [
    `[sso-session ${session}]`,
    `sso_start_url = ${startUrl(sb)}`,
    `sso_region = ${sb.identityCenter()?.region ?? ''}`,
    'sso_registration_scopes = sso:account:access',
    '',
  ];
  for (const [name, p] of Object.entries(profiles))
    lines.push(
      `[profile ${name}]`,
      `sso_session = ${session}`,
      `sso_account_id = ${p.account}`,
      `sso_role_name = ${p.role}`,
      'region = us-east-1',
      '',
    );
  const path = join(home, `config-${session}`);
  writeFileSync(path, lines.join('\n'));
  return path;
}

export interface RegisteredClient {
  clientId: string;
  clientSecret: string;
}

export async function register(sb: Sandbox, scopes?: string[]): Promise<RegisteredClient> {
  const out = await oidcClient(sb).send(
    new RegisterClientCommand({ clientName: 'crossbar-test', clientType: 'public', ...(scopes ? { scopes } : {}) }),
  );
  if (!out.clientId || !out.clientSecret) throw new Error('RegisterClient returned no client');
  return { clientId: out.clientId, clientSecret: out.clientSecret };
}

export async function startDevice(sb: Sandbox, client: RegisteredClient) {
  return oidcClient(sb).send(new StartDeviceAuthorizationCommand({ ...client, startUrl: startUrl(sb) }));
}

export function redeem(sb: Sandbox, client: RegisteredClient, deviceCode: string) {
  return oidcClient(sb).send(
    new CreateTokenCommand({ ...client, grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode }),
  );
}

/** A signed-in user's tokens: the whole device flow, approved through the sandbox. */
export async function signIn(
  sb: Sandbox,
  userName: string,
  scopes: string[] | undefined = ['sso:account:access'],
): Promise<{ client: RegisteredClient; accessToken: string; refreshToken?: string; expiresIn: number }> {
  const client = await register(sb, scopes);
  const device = await startDevice(sb, client);
  sb.approveDevice(userName, device.userCode ?? '');
  const token = await redeem(sb, client, device.deviceCode ?? '');
  if (!token.accessToken) throw new Error('CreateToken returned no access token');
  return {
    client,
    accessToken: token.accessToken,
    expiresIn: token.expiresIn ?? 0,
    ...(token.refreshToken ? { refreshToken: token.refreshToken } : {}),
  };
}
