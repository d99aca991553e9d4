import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogoutCommand } from '@aws-sdk/client-sso';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { startTestSandbox } from '../../helpers/sandbox.js';
import { DEVELOPMENT, PRODUCTION, STAGING } from '../../helpers/sandbox-clients.js';
import { requireOnPath } from '../../helpers/moto.js';
import { portalClient, register, signIn, startDevice, startUrl, writeSsoConfig } from './sso-helpers.js';

/**
 * botocore's SSO credential provider (the `aws` CLI v1 here: no `aws sso login`, but it reads `sso_session`
 * profiles and the shared token cache, refreshes through SSO OIDC, and calls the portal) against the sandbox.
 * The endpoints come from AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC (botocore's service-specific
 * endpoint variables), and the STS call from AWS_ENDPOINT_URL. Children are spawned asynchronously: the sandbox
 * answers from this process.
 */
const run = promisify(execFile);
let sb: Sandbox;
let home: string;
beforeAll(async () => {
  requireOnPath('aws', 'the botocore SSO tests need the AWS CLI');
  sb = await startTestSandbox();
  home = mkdtempSync(join(tmpdir(), 'crossbar-botocore-sso-'));
});
afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
  await sb.stop();
});

const writeConfig = (session: string, profiles: Record<string, { account: string; role: string }>) =>
  writeSsoConfig(sb, home, session, profiles);

function cachePath(session: string): string {
  return join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update(session).digest('hex')}.json`);
}

async function login(session: string, userName: string, expiresInMs?: number) {
  const tokens = await signIn(sb, userName);
  mkdirSync(join(home, '.aws', 'sso', 'cache'), { recursive: true });
  writeFileSync(
    cachePath(session),
    JSON.stringify({
      startUrl: startUrl(sb),
      region: sb.identityCenter()?.region,
      accessToken: tokens.accessToken,
      // botocore compares with the real clock: the sandbox clock is the real one in this file.
      expiresAt: new Date(Date.now() + (expiresInMs ?? tokens.expiresIn * 1000))
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      clientId: tokens.client.clientId,
      clientSecret: tokens.client.clientSecret,
      registrationExpiresAt: new Date(Date.now() + 80 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      refreshToken: tokens.refreshToken,
    }),
    { mode: 0o600 },
  );
  return tokens;
}

async function aws(config: string, profile: string, ...args: string[]) {
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_ENDPOINT_URL: sb.endpoint,
    AWS_ENDPOINT_URL_SSO: sb.endpoint,
    AWS_ENDPOINT_URL_SSO_OIDC: sb.endpoint,
  };
  try {
    const { stdout } = await run('aws', ['--profile', profile, '--output', 'json', ...args], { env });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

// Each case starts the Python CLI (1–3 s, more on a loaded machine).
describe('the aws CLI (botocore) with an sso_session profile against the sandbox', { timeout: 60_000 }, () => {
  it('aws sts get-caller-identity is the AWSReservedSSO role session', async () => {
    await login('acme', 'alice');
    const config = writeConfig('acme', { 'prod-admin': { account: PRODUCTION, role: 'AdministratorAccess' } });
    const out = await aws(config, 'prod-admin', 'sts', 'get-caller-identity');
    expect(out.stderr).toBe('');
    const me = JSON.parse(out.stdout) as { Arn: string; Account: string };
    expect(me.Account).toBe(PRODUCTION);
    expect(me.Arn).toMatch(/:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice$/);
  });

  it('refreshes an expiring token through SSO OIDC and rewrites the cache', async () => {
    const first = await login('refresh', 'bob', 60_000);
    const config = writeConfig('refresh', { 'stg-read': { account: STAGING, role: 'ReadOnlyAccess' } });
    const out = await aws(config, 'stg-read', 'sts', 'get-caller-identity');
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toMatchObject({ Account: STAGING });
    const cached = JSON.parse(readFileSync(cachePath('refresh'), 'utf8')) as Record<string, string>;
    expect(cached['accessToken']).not.toBe(first.accessToken);
  });

  it('denied: a permission set not assigned — ForbiddenException, No access', async () => {
    await login('bob-admin', 'bob');
    const config = writeConfig('bob-admin', { 'dev-admin': { account: DEVELOPMENT, role: 'AdministratorAccess' } });
    const out = await aws(config, 'dev-admin', 'sts', 'get-caller-identity');
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      'An error occurred (ForbiddenException) when calling the GetRoleCredentials operation: No access',
    );
  });

  it('denied: a logged-out token — UnauthorizedException', async () => {
    const tokens = await login('gone', 'alice');
    await portalClient(sb).send(new LogoutCommand({ accessToken: tokens.accessToken }));
    const config = writeConfig('gone', { 'dev-read': { account: DEVELOPMENT, role: 'ReadOnlyAccess' } });
    const out = await aws(config, 'dev-read', 'sts', 'get-caller-identity');
    expect(out.code).not.toBe(0);
    // botocore turns the portal's UnauthorizedException into its UnauthorizedSSOTokenError.
    expect(out.stderr).toContain('The SSO session associated with this profile has expired or is otherwise invalid');
  });
});

describe("botocore's parse of SSO OIDC's errors (aws sso-oidc create-token)", { timeout: 60_000 }, () => {
  const oidc = async (...args: string[]) => {
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      AWS_CONFIG_FILE: join(home, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
      AWS_DEFAULT_REGION: sb.identityCenter()?.region ?? 'eu-west-1',
      AWS_ENDPOINT_URL_SSO_OIDC: sb.endpoint,
    };
    try {
      const { stdout } = await run('aws', ['sso-oidc', 'create-token', '--output', 'json', ...args], { env });
      return { code: 0, stdout, stderr: '' };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  };
  const grant = 'urn:ietf:params:oauth:grant-type:device_code';

  it('approved: the token', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    sb.approveDevice('alice', device.userCode ?? '');
    const out = await oidc(
      `--client-id=${client.clientId}`,
      `--client-secret=${client.clientSecret}`,
      `--grant-type=${grant}`,
      `--device-code=${device.deviceCode ?? ''}`, // base64url may start with '-': never a separate argument
    );
    expect(out.stderr).toBe('');
    const token = JSON.parse(out.stdout) as { tokenType?: string; expiresIn?: number };
    expect(token.tokenType).toBe('Bearer');
    // the session's 8 h run from the approval; the aws CLI starts seconds later under load, so the
    // token's lifetime (what is left of the session) may be a second or two short of 8 h
    expect(token.expiresIn).toBeGreaterThanOrEqual(28_790);
    expect(token.expiresIn).toBeLessThanOrEqual(28_800);
  });

  it('pending: AuthorizationPendingException, as botocore names it', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const out = await oidc(
      `--client-id=${client.clientId}`,
      `--client-secret=${client.clientSecret}`,
      `--grant-type=${grant}`,
      `--device-code=${device.deviceCode ?? ''}`, // base64url may start with '-': never a separate argument
    );
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain(
      'An error occurred (AuthorizationPendingException) when calling the CreateToken operation',
    );
  });

  it('a wrong client secret: InvalidClientException', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const out = await oidc(
      `--client-id=${client.clientId}`,
      '--client-secret=wrong',
      `--grant-type=${grant}`,
      `--device-code=${device.deviceCode ?? ''}`, // base64url may start with '-': never a separate argument
    );
    expect(out.stderr).toContain('(InvalidClientException) when calling the CreateToken operation');
  });
});
