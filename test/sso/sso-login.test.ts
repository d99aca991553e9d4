import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSsoWorld, waitFor, type SsoWorld } from './sso-world.js';

/**
 * `crossbar login` / `logout` for an SSO source, end to end against the sandbox's IAM Identity Center with the
 * real SDK clients: the device flow approved, denied, expired and slowed down; the token cached encrypted; the
 * permission-set roles and a role chained from one; refresh after the token expires; sign-out.
 */
let s: SsoWorld;

beforeAll(async () => {
  s = await startSsoWorld();
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name));
}

async function identityOf(json: string): Promise<string> {
  const c = JSON.parse(json) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  const sts = new STSClient({
    region: 'us-east-1',
    endpoint: s.w.sb.endpoint,
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken },
  });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? '';
  } finally {
    sts.destroy();
  }
}

describe('crossbar login (SSO)', () => {
  it('several SSO sources and no name: one line listing them, exit 2', async () => {
    const two = s.w.config(
      'two-sso',
      `sources:\n  a: { sso: { start_url: "${s.startUrl}", region: ${s.region} } }\n  b: { sso: { start_url: "${s.startUrl}", region: ${s.region}, session: b } }\naccounts: []\n`,
    );
    const r = await s.cli(['login'], { CROSSBAR_CONFIG: two });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^crossbar: which SSO source\? crossbar.yaml has 2: a, b$/m);
    const unknown = await s.cli(['login', 'c'], { CROSSBAR_CONFIG: two });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no source 'c' in crossbar.yaml: the SSO sources are a, b/);
  });

  it('without a sign-in, an SSO role says to run crossbar login', async () => {
    const r = await s.cli(['credential-process', 'production:readonly']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('run `crossbar login acme-sso`');
  });

  it('an SSO endpoint that does not answer: names the start URL and the endpoint', async () => {
    const dead = s.w.config(
      'dead-endpoint',
      `sources:\n  acme-sso: { sso: { start_url: "${s.startUrl}", region: ${s.region} } }\naccounts: []\nendpoint: http://127.0.0.1:9\n`,
    );
    const r = await s.cli(['login', '--no-browser'], { CROSSBAR_CONFIG: dead });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `crossbar: No answer from SSO OIDC at http://127.0.0.1:9 for the start URL ${s.startUrl}`,
    );
  });

  it('denied in the browser: exit 1, one line saying so', async () => {
    const r = await s.login('alice', ['login'], { deny: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sign-in to SSO acme-sso with code .* was denied/);
  });

  it('a code left until it expires: one line saying so', async () => {
    const r = await s.login('alice', ['login'], { decide: false, before: () => s.w.sb.advanceClock(11 * 60_000) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The sign-in code .* for SSO acme-sso expired before it was approved/);
  });

  it('polled too fast: the interval grows by 5 s on SlowDown and the sign-in still completes', async () => {
    const r = await s.login('alice', ['login'], {
      before: async (code, stderr) => {
        const device = Object.values(s.w.sb.world.identityCenter?.devices ?? {}).find((d) => d.userCode === code);
        if (!device) throw new Error('no such device code in the sandbox');
        device.interval = 3; // the client polls every 1 s: too fast now
        await waitFor(() => (/poll more slowly: every 6 s/.test(stderr()) ? true : undefined), 15_000);
      },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Signed in to SSO acme-sso as alice');
  }, 30_000);

  it('approved: says who signed in and until when; the token is cached encrypted, 0600', async () => {
    const r = await s.login('alice');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /Signed in to SSO acme-sso as alice; the session lasts until .* UTC and is refreshed on its own/,
    );
    const home = s.env()['CROSSBAR_HOME'] ?? '';
    const tokens = Object.keys(s.w.sb.world.identityCenter?.accessTokens ?? {});
    const refresh = Object.keys(s.w.sb.world.identityCenter?.refreshTokens ?? {});
    expect(tokens.length).toBeGreaterThan(0);
    const files = filesUnder(join(home, 'sso')).filter((f) => !f.endsWith('.lock'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const f of files) {
      expect(statSync(f).mode & 0o777).toBe(0o600);
      const bytes = readFileSync(f);
      for (const secret of [...tokens, ...refresh]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('credential-process, exec and env through a permission set: the AWSReservedSSO role of the person', async () => {
    const r = await s.cli(['credential-process', 'production:admin']);
    expect(r.code).toBe(0);
    expect(await identityOf(r.stdout)).toMatch(
      /^arn:aws:sts::444444444444:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice$/,
    );
    const exec = await s.cli([
      'exec',
      'production:readonly',
      '--',
      'aws',
      'sts',
      'get-caller-identity',
      '--output',
      'json',
    ]);
    expect(exec.code).toBe(0);
    expect((JSON.parse(exec.stdout) as { Arn: string }).Arn).toMatch(
      /AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/alice$/,
    );
    const env = await s.cli(['env', 'development:readonly']);
    expect(env.code).toBe(0);
    expect(env.stdout).toContain('AWS_SESSION_TOKEN');
  });

  it('a role chained from a permission set: its own role, capped at one hour', async () => {
    const r = await s.cli(['credential-process', 'production:crossbar']);
    expect(r.code).toBe(0);
    expect(await identityOf(r.stdout)).toMatch(/^arn:aws:sts::444444444444:assumed-role\/CrossbarReadOnly\//);
    const long = await s.cli(['credential-process', 'production:long']);
    expect(long.code).toBe(0);
    const expiry = Date.parse((JSON.parse(long.stdout) as { Expiration: string }).Expiration);
    // duration: 7200 asked, AWS's 1-hour cap for a chained session granted (the sandbox's clock runs ahead here)
    expect(expiry - s.w.sb.now()).toBeLessThanOrEqual(3600_000 + 5_000);
    expect(expiry - s.w.sb.now()).toBeGreaterThan(3500_000);
    const untrusted = await s.cli(['credential-process', 'production:untrusted']);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(
      /Could not assume arn:aws:iam::444444444444:role\/CrossbarReadOnly from .*AWSReservedSSO_ReadOnlyAccess/,
    );
  });

  it('denied twins: an account and a permission set not assigned → DENIED with the reason', async () => {
    const account = await s.cli(['credential-process', 'client-acme:readonly']);
    expect(account.code).toBe(1);
    expect(account.stderr).toMatch(
      /permission set ReadOnlyAccess in account 555555555555: you have no assignment of it \(never made, or removed\)/,
    );
  });

  it('refreshes the token once the sandbox says it expired', async () => {
    const before = Object.keys(s.w.sb.world.identityCenter?.accessTokens ?? {}).length;
    s.w.sb.advanceClock(61 * 60_000);
    const r = await s.cli(['credential-process', 'management:readonly']);
    expect(r.code).toBe(0);
    expect(Object.keys(s.w.sb.world.identityCenter?.accessTokens ?? {}).length).toBeGreaterThanOrEqual(before);
  });

  it('logout revokes the token; the next use says to run crossbar login', async () => {
    const out = await s.cli(['logout']);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain('Signed out of SSO acme-sso');
    // production:admin was served before and cached: sign-out forgets it too
    for (const target of ['production:admin', 'development:admin']) {
      const r = await s.cli(['credential-process', target]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('run `crossbar login acme-sso`');
    }
  });

  it('bob: his permission sets only; AdministratorAccess is DENIED naming it', async () => {
    const r = await s.login('bob');
    expect(r.code).toBe(0);
    const admin = await s.cli(['credential-process', 'production:admin']);
    expect(admin.code).toBe(1);
    expect(admin.stderr).toMatch(/permission set AdministratorAccess in account 444444444444/);
    const ro = await s.cli(['credential-process', 'production:readonly']);
    expect(ro.code).toBe(0);
    expect(await identityOf(ro.stdout)).toMatch(/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/bob$/);
  });
});
