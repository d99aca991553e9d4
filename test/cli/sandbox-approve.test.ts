import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListAccountsCommand } from '@aws-sdk/client-sso';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { failure } from '../helpers/sandbox-clients.js';
import { portalClient, redeem, register, startDevice } from '../sandbox/sso/sso-helpers.js';
import { runCli } from './run-cli.js';

describe('crossbar sandbox approve', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.stop());

  it('approves a device sign-in as alice: CreateToken then answers a token the portal accepts', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const code = (device.userCode ?? '').toLowerCase();
    const out = await runCli(['sandbox', 'approve', 'alice', code, '--endpoint', sb.endpoint]);
    expect(out).toMatchObject({ code: 0, stderr: '', stdout: `approved ${device.userCode} for alice\n` });
    const token = await redeem(sb, client, device.deviceCode ?? '');
    const accounts = await portalClient(sb).send(new ListAccountsCommand({ accessToken: token.accessToken }));
    expect(accounts.accountList?.length).toBe(4);
  });

  it('--deny denies it: CreateToken answers AccessDeniedException', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const out = await runCli(['--output', 'json', 'sandbox', 'approve', 'bob', device.userCode ?? '', '--deny'], {
      CROSSBAR_ENDPOINT: sb.endpoint,
    });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ user: 'bob', code: device.userCode, decision: 'denied' });
    expect((await failure(redeem(sb, client, device.deviceCode ?? ''))).name).toBe('AccessDeniedException');
  });

  it('an unknown user is one line and exit 2, naming the identity-store users', async () => {
    const device = await startDevice(sb, await register(sb));
    const out = await runCli(['sandbox', 'approve', 'mallory', device.userCode ?? '', '--endpoint', sb.endpoint]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(
      /^crossbar: no user 'mallory' in the identity store d-[0-9a-f]{10}\nhint: identity-store users: alice, bob\n$/,
    );
  });

  it('an unknown code is one line and exit 1', async () => {
    const out = await runCli(['sandbox', 'approve', 'alice', 'BCDF-GHJK', '--endpoint', sb.endpoint]);
    expect(out.code).toBe(1);
    expect(out.stderr.split('\n')[0]).toBe("crossbar: no sign-in request has the code 'BCDF-GHJK'");
    expect(out.stdout).toBe('');
  });

  it('a code already decided is refused', async () => {
    const device = await startDevice(sb, await register(sb));
    sb.approveDevice('alice', device.userCode ?? '');
    const out = await runCli(['sandbox', 'approve', 'bob', device.userCode ?? '', '--endpoint', sb.endpoint]);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('was already approved');
  });

  it('a missing code argument is a usage error', async () => {
    const out = await runCli(['sandbox', 'approve', 'alice']);
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe("crossbar: missing required argument 'code'");
  });
});

describe('the sandbox approval page and health', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.stop());

  it('GET /_sandbox/health names the Identity Center start URL and region', async () => {
    const health = (await (await fetch(`${sb.endpoint}/_sandbox/health`)).json()) as Record<string, unknown>;
    expect(health.identityCenter).toEqual({
      startUrl: expect.stringMatching(/^https:\/\/d-[0-9a-f]{10}\.awsapps\.com\/start$/) as unknown,
      region: 'eu-west-1',
    });
  });

  it('the verification page shows the code and the users, and Approve signs the request in', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const page = await fetch(device.verificationUriComplete ?? '');
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain(`value="${device.userCode}"`);
    expect(html).toContain('<option value="alice">');
    const approved = await fetch(device.verificationUri ?? '', {
      method: 'POST',
      body: new URLSearchParams({ user_code: device.userCode ?? '', user: 'alice', decision: 'approve' }),
    });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('Request approved for alice');
    expect((await redeem(sb, client, device.deviceCode ?? '')).accessToken).toBeTruthy();
  });

  it('Deny on the page denies it; a wrong code is shown as an error on the page', async () => {
    const client = await register(sb);
    const device = await startDevice(sb, client);
    const wrong = await fetch(`${sb.endpoint}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: 'BCDF-GHJK', user: 'alice', decision: 'approve' }),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('no sign-in request has the code');
    const denied = await fetch(`${sb.endpoint}/device`, {
      method: 'POST',
      body: new URLSearchParams({ user_code: device.userCode ?? '', user: 'bob', decision: 'deny' }),
    });
    expect(await denied.text()).toContain('Request denied');
    expect((await failure(redeem(sb, client, device.deviceCode ?? ''))).name).toBe('AccessDeniedException');
  });
});
