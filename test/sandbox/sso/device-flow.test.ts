import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTokenCommand, RegisterClientCommand, StartDeviceAuthorizationCommand } from '@aws-sdk/client-sso-oidc';
import { LogoutCommand } from '@aws-sdk/client-sso';
import type { Sandbox } from '../../../src/sandbox/server.js';
import { startTestSandbox } from '../../helpers/sandbox.js';
import { failure } from '../../helpers/sandbox-clients.js';
import { oidcClient, portalClient, redeem, register, signIn, startDevice, startUrl } from './sso-helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});

/** The error's OAuth fields, as the SDK deserialized them from `error` / `error_description`. */
async function oauthFailure(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    const e = err as {
      name?: string;
      error?: string;
      error_description?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return { name: e.name, error: e.error, description: e.error_description, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

describe('SSO OIDC RegisterClient', () => {
  it('registers a public client with a secret good for 90 days', async () => {
    const out = await oidcClient(sb).send(new RegisterClientCommand({ clientName: 'test', clientType: 'public' }));
    expect(out.clientId).toMatch(/^[\w-]{16,}$/);
    expect(out.clientSecret?.length).toBeGreaterThan(64);
    const days = ((out.clientSecretExpiresAt ?? 0) - (out.clientIdIssuedAt ?? 0)) / 86_400;
    expect(days).toBe(90);
  });

  it('refuses a client type other than public', async () => {
    const f = await oauthFailure(
      oidcClient(sb).send(new RegisterClientCommand({ clientName: 'test', clientType: 'confidential' })),
    );
    expect(f).toMatchObject({ name: 'InvalidClientMetadataException', error: 'invalid_client_metadata', status: 400 });
  });
});

describe('SSO OIDC StartDeviceAuthorization', () => {
  it('answers a device code, a user code ABCD-EFGH and the sandbox approval page', async () => {
    const device = await startDevice(sb, await register(sb));
    expect(device.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(device.verificationUri).toBe(`${sb.endpoint}/device`);
    expect(device.verificationUriComplete).toBe(`${sb.endpoint}/device?user_code=${device.userCode}`);
    expect(device).toMatchObject({ expiresIn: 600, interval: 1 });
  });

  it('refuses an unknown start URL', async () => {
    const client = await register(sb);
    const f = await oauthFailure(
      oidcClient(sb).send(
        new StartDeviceAuthorizationCommand({ ...client, startUrl: 'https://d-0000000000.awsapps.com/start' }),
      ),
    );
    expect(f).toMatchObject({ name: 'InvalidRequestException', error: 'invalid_request', status: 400 });
  });

  it('refuses a wrong client secret (InvalidClientException, 401)', async () => {
    const client = await register(sb);
    const f = await oauthFailure(
      oidcClient(sb).send(
        new StartDeviceAuthorizationCommand({ ...client, clientSecret: 'not-the-secret', startUrl: startUrl(sb) }),
      ),
    );
    expect(f).toMatchObject({ name: 'InvalidClientException', error: 'invalid_client', status: 401 });
  });
});

describe('SSO OIDC CreateToken with the device code', () => {
  it('is pending until approved, then answers a bearer token once', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const pending = await oauthFailure(redeem(sb, client, device.deviceCode ?? ''));
    expect(pending).toMatchObject({ name: 'AuthorizationPendingException', error: 'authorization_pending' });
    sb.advanceClock(1_000);
    sb.approveDevice('alice', device.userCode ?? '');
    const token = await redeem(sb, client, device.deviceCode ?? '');
    expect(token.tokenType).toBe('Bearer');
    // The token ends with the 8-hour session that began at the approval: the real clock may have crossed a second
    // between approving and redeeming (seen on a loaded machine: 28,799).
    expect(token.expiresIn).toBeGreaterThanOrEqual(28_798);
    expect(token.expiresIn).toBeLessThanOrEqual(28_800);
    expect(token.accessToken).toBeTruthy();
    expect(token.refreshToken).toBeUndefined(); // no scopes registered: no refresh token
    const again = await oauthFailure(redeem(sb, client, device.deviceCode ?? ''));
    expect(again).toMatchObject({ name: 'InvalidGrantException', error: 'invalid_grant' });
  });

  it('denied: AccessDeniedException', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    sb.approveDevice('bob', device.userCode ?? '', { deny: true });
    const f = await oauthFailure(redeem(sb, client, device.deviceCode ?? ''));
    expect(f).toMatchObject({ name: 'AccessDeniedException', error: 'access_denied', status: 400 });
  });

  it('expired after 600 seconds on the sandbox clock (/_sandbox/clock): ExpiredTokenException', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const res = await fetch(`${sb.endpoint}/_sandbox/clock?advanceMs=601000`, { method: 'POST' });
    expect(res.status).toBe(200);
    const f = await oauthFailure(redeem(sb, client, device.deviceCode ?? ''));
    expect(f).toMatchObject({ name: 'ExpiredTokenException', error: 'expired_token' });
    expect(() => sb.approveDevice('alice', device.userCode ?? '')).toThrow(/expired/);
  });

  it('polling faster than the interval: SlowDownException, and the interval grows by 5 seconds', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    await oauthFailure(redeem(sb, client, device.deviceCode ?? ''));
    const fast = await oauthFailure(redeem(sb, client, device.deviceCode ?? ''));
    expect(fast).toMatchObject({ name: 'SlowDownException', error: 'slow_down' });
    sb.advanceClock(2_000);
    expect(await oauthFailure(redeem(sb, client, device.deviceCode ?? ''))).toMatchObject({
      name: 'SlowDownException',
    });
    sb.advanceClock(11_000);
    expect(await oauthFailure(redeem(sb, client, device.deviceCode ?? ''))).toMatchObject({
      name: 'AuthorizationPendingException',
    });
  });

  it('a device code of another client, or another client secret, is refused', async () => {
    const a = await register(sb);
    const b = await register(sb);
    const device = await startDevice(sb, a);
    sb.approveDevice('alice', device.userCode ?? '');
    expect(await oauthFailure(redeem(sb, b, device.deviceCode ?? ''))).toMatchObject({ name: 'InvalidGrantException' });
    expect(await oauthFailure(redeem(sb, { ...a, clientSecret: 'wrong' }, device.deviceCode ?? ''))).toMatchObject({
      name: 'InvalidClientException',
      status: 401,
    });
  });

  it('approving an unknown user or code is refused in one line', () => {
    expect(() => sb.approveDevice('mallory', 'BCDF-GHJK')).toThrow(/no user 'mallory'/);
    expect(() => sb.approveDevice('alice', 'BCDF-GHJK')).toThrow(/no sign-in request has the code/);
  });
});

describe('SSO OIDC refresh tokens', () => {
  it('a client with scopes gets a refresh token; refreshing rotates it', async () => {
    const { client, refreshToken, expiresIn } = await signIn(sb, 'alice');
    expect(expiresIn).toBe(3600);
    expect(refreshToken).toBeTruthy();
    const refreshed = await oidcClient(sb).send(
      new CreateTokenCommand({ ...client, grantType: 'refresh_token', refreshToken }),
    );
    expect(refreshed.accessToken).toBeTruthy();
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(refreshToken);
    // The spent refresh token is refused: rotation.
    const spent = await oauthFailure(
      oidcClient(sb).send(new CreateTokenCommand({ ...client, grantType: 'refresh_token', refreshToken })),
    );
    expect(spent).toMatchObject({ name: 'InvalidGrantException', error: 'invalid_grant' });
  });

  it('after Logout the refresh token is refused', async () => {
    const { client, accessToken, refreshToken } = await signIn(sb, 'bob');
    await portalClient(sb).send(new LogoutCommand({ accessToken }));
    const f = await oauthFailure(
      oidcClient(sb).send(new CreateTokenCommand({ ...client, grantType: 'refresh_token', refreshToken })),
    );
    expect(f).toMatchObject({ name: 'InvalidGrantException' });
  });

  it('an unsupported grant type is refused', async () => {
    const client = await register(sb);
    const f = await failure(
      oidcClient(sb).send(new CreateTokenCommand({ ...client, grantType: 'authorization_code', code: 'x' })),
    );
    expect(f.name).toBe('UnsupportedGrantTypeException');
  });
});
