import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { signInToConsole, switchRoleUrlFor } from '../../src/core/console/index.js';
import { assume, keysOf, MANAGEMENT, PRODUCTION, readOnlySession } from '../helpers/sandbox-clients.js';
import { registryFrom } from '../aws-config/registry-fixture.js';

/**
 * Federated console sign-in against the sandbox's /federation endpoint with the real `fetch`: getSigninToken,
 * then the login URL, followed to the sandbox's console page.
 */
let sb: Sandbox;

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});

/** Follows a login URL as a browser would: the 302 from login, then the console page. */
async function follow(loginUrl: string): Promise<{ status: number; html: string }> {
  const login = await fetch(loginUrl, { redirect: 'manual' });
  expect(login.status).toBe(302);
  const location = login.headers.get('location');
  if (!location) throw new Error('login gave no Location');
  const page = await fetch(location);
  return { status: page.status, html: await page.text() };
}

const testId = (html: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];

describe('signInToConsole against the sandbox', () => {
  it('turns a CrossbarReadOnly session into a login URL that opens the production console, red', async () => {
    const credentials = await readOnlySession(sb, PRODUCTION);
    const url = await signInToConsole({
      credentials,
      target: 'production:CrossbarReadOnly',
      region: 'us-east-1',
      service: 'ec2',
      endpoint: sb.endpoint,
      fetch,
    });
    expect(url.startsWith(`${sb.endpoint}/federation?Action=login&Issuer=crossbar&Destination=`)).toBe(true);
    const page = await follow(url);
    expect(page.status).toBe(200);
    expect(testId(page.html, 'account-id')).toBe(PRODUCTION);
    expect(testId(page.html, 'role')).toBe('CrossbarReadOnly');
    expect(testId(page.html, 'color')).toBe('red');
    expect(testId(page.html, 'destination')).toBe('https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1');
  });

  it('asked for the longest session: the console session lasts 12 hours', async () => {
    const credentials = await readOnlySession(sb, PRODUCTION);
    const page = await follow(
      await signInToConsole({ credentials, target: 'production:CrossbarReadOnly', endpoint: sb.endpoint, fetch }),
    );
    const expires = Date.parse(testId(page.html, 'expires') ?? '');
    expect(Math.round((expires - sb.now()) / 3_600_000)).toBe(12);
  });

  describe('a chained session (alice -> CrossbarHub -> CrossbarReadOnly)', () => {
    async function chainedSession() {
      const hub = await assume(sb, keysOf(sb, 'alice'), MANAGEMENT, 'CrossbarHub');
      return assume(sb, hub, PRODUCTION, 'CrossbarReadOnly');
    }

    it('is refused by the sign-in endpoint when SessionDuration is sent', async () => {
      const credentials = await chainedSession();
      await expect(
        signInToConsole({
          credentials,
          target: 'production:CrossbarReadOnly',
          endpoint: sb.endpoint,
          fetch,
          chained: false,
        }),
      ).rejects.toMatchObject({
        code: 'DENIED',
        message: expect.stringContaining(
          'refused the session of production:CrossbarReadOnly (HTTP 400): SessionDuration cannot be specified for credentials obtained by role chaining.',
        ),
      });
    });

    it('signs in when the caller says the credentials are chained: SessionDuration is left out', async () => {
      const credentials = await chainedSession();
      const page = await follow(
        await signInToConsole({
          credentials,
          target: 'production:CrossbarReadOnly',
          endpoint: sb.endpoint,
          fetch,
          chained: true,
        }),
      );
      expect(page.status).toBe(200);
      expect(testId(page.html, 'account-id')).toBe(PRODUCTION);
    });
  });

  it('is denied with credentials the sandbox does not know, and the message holds no secret', async () => {
    const real = await readOnlySession(sb, PRODUCTION);
    const forged = { ...real, secretAccessKey: 'forged-secret-key-0123456789' };
    const err = await signInToConsole({
      credentials: forged,
      target: 'production:CrossbarReadOnly',
      endpoint: sb.endpoint,
      fetch,
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'DENIED',
      message: expect.stringContaining('The credentials in the Session parameter are invalid.'),
    });
    expect(String(err)).not.toContain('forged-secret');
    expect(String(err)).not.toContain(real.sessionToken ?? 'x');
  });

  it('names the host when the endpoint does not answer', async () => {
    const credentials = await readOnlySession(sb, PRODUCTION);
    await expect(
      signInToConsole({ credentials, target: 'production:CrossbarReadOnly', endpoint: 'http://127.0.0.1:1', fetch }),
    ).rejects.toMatchObject({
      code: 'ENDPOINT_UNREACHABLE',
      message: 'The sign-in endpoint 127.0.0.1:1 did not answer for production:CrossbarReadOnly',
    });
  });
});

describe('switchRoleUrlFor', () => {
  it("gives seed 004's link for a registry target", () => {
    const registry = registryFrom(
      'accounts:\n  - { id: "444444444444", name: production, stage: prod, roles: { admin: { name: administrator, mfa: required } } }\n',
    );
    const production = registry.accounts[0];
    const admin = production?.roles.find((r) => r.key === 'admin');
    if (!production || !admin) throw new Error('fixture');
    expect(switchRoleUrlFor(production, admin)).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=administrator&account=444444444444&displayName=production%3Aadmin&color=f2b0a9',
    );
  });
});
