import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromSSO } from '@aws-sdk/credential-providers';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { LogoutCommand } from '@aws-sdk/client-sso';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { startTestSandbox } from '../../helpers/sandbox.js';
import { CLIENT_ACME, DEVELOPMENT, STAGING, failure, sts } from '../../helpers/sandbox-clients.js';
import { portalClient, signIn, startUrl, writeSsoConfig } from './sso-helpers.js';

/**
 * The AWS SDK's own SSO credential provider against the sandbox: an `sso_session` profile in a config file, the
 * shared token cache (`~/.aws/sso/cache/<sha1(session)>.json`) written as `aws sso login` writes it, and the SDK's
 * SSO and SSO OIDC clients pointed at the sandbox through `clientConfig.endpoint`.
 */
let sb: Sandbox;
let home: string;
const savedHome = process.env['HOME'];
beforeAll(async () => {
  sb = await startTestSandbox();
  home = mkdtempSync(join(tmpdir(), 'crossbar-fromsso-'));
  process.env['HOME'] = home; // the SDK finds the token cache under $HOME
});
afterAll(async () => {
  process.env['HOME'] = savedHome;
  rmSync(home, { recursive: true, force: true });
  await sb.stop();
});

const configFile = (session: string, profiles: Record<string, { account: string; role: string }>) =>
  writeSsoConfig(sb, home, session, profiles);

function cachePath(session: string): string {
  return join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(session).digest('hex')}.json`);
}

/** Signs a user in through the sandbox and writes the token cache file as `aws sso login` does. */
async function login(session: string, userName: string, expiresInMs?: number) {
  const tokens = await signIn(sb, userName);
  const expiresAt = new Date(sb.now() + (expiresInMs ?? tokens.expiresIn * 1000)).toISOString();
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
  writeFileSync(
    cachePath(session),
    JSON.stringify({
      startUrl: startUrl(sb),
      region: sb.identityCenter()?.region,
      accessToken: tokens.accessToken,
      expiresAt,
      clientId: tokens.client.clientId,
      clientSecret: tokens.client.clientSecret,
      registrationExpiresAt: new Date(sb.now() + 80 * 86_400_000).toISOString(),
      refreshToken: tokens.refreshToken,
    }),
    { mode: 0o600 },
  );
  return tokens;
}

const provider = (profile: string, configFilepath: string) =>
  fromSSO({ profile, configFilepath, filepath: join(home, 'no-credentials'), clientConfig: { endpoint: sb.endpoint } });

describe("the SDK's fromSSO provider against the sandbox", () => {
  it('an sso_session profile gives the AWSReservedSSO role session of its account and permission set', async () => {
    await login('acme', 'alice');
    const config = configFile('acme', { 'dev-admin': { account: DEVELOPMENT, role: 'AdministratorAccess' } });
    const creds = await provider('dev-admin', config)();
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.expiration?.getTime()).toBeGreaterThan(sb.now() + 3500_000);
    const me = await sts(sb, creds).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toMatch(
      new RegExp(`^arn:aws:sts::${DEVELOPMENT}:assumed-role/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/alice$`),
    );
  });

  it('refreshes a token about to expire through SSO OIDC (refresh_token grant) and rewrites the cache', async () => {
    const first = await login('refresh', 'bob', 60_000); // inside the SDK's 5-minute refresh window
    const config = configFile('refresh', { 'stg-read': { account: STAGING, role: 'ReadOnlyAccess' } });
    const creds = await provider('stg-read', config)();
    const me = await sts(sb, creds).send(new GetCallerIdentityCommand({}));
    expect(me.Arn).toContain(`:assumed-role/AWSReservedSSO_ReadOnlyAccess_`);
    const cached = JSON.parse(readFileSync(cachePath('refresh'), 'utf8')) as Record<string, string>;
    expect(cached['accessToken']).not.toBe(first.accessToken);
    expect(cached['refreshToken']).not.toBe(first.refreshToken);
  });

  it('denied: a permission set the user is not assigned in that account (ForbiddenException)', async () => {
    await login('bob-admin', 'bob');
    const config = configFile('bob-admin', { 'dev-admin': { account: DEVELOPMENT, role: 'AdministratorAccess' } });
    const f = await failure(provider('dev-admin', config)());
    expect(f.message).toMatch(/No access/);
  });

  it('denied: an account not assigned (the consultant client) (ForbiddenException)', async () => {
    await login('acme-client', 'alice');
    const config = configFile('acme-client', { client: { account: CLIENT_ACME, role: 'ReadOnlyAccess' } });
    const f = await failure(provider('client', config)());
    expect(f.message).toMatch(/No access/);
  });

  it('denied: a logged-out token, whose refresh token is revoked too (UnauthorizedException)', async () => {
    const tokens = await login('gone', 'alice');
    await portalClient(sb).send(new LogoutCommand({ accessToken: tokens.accessToken }));
    const config = configFile('gone', { 'dev-read': { account: DEVELOPMENT, role: 'ReadOnlyAccess' } });
    const f = await failure(provider('dev-read', config)());
    expect(f.message).toMatch(/Session token not found or invalid/);
  });
});
