import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fromSSO } from '@aws-sdk/credential-providers';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { awsTokenCachePath } from '../../src/core/sso/index.js';
import { awsEnv, runAws } from '../aws-config/run-aws.js';
import { startSsoWorld, type SsoWorld } from './sso-world.js';

/**
 * What an SSO sign-in gives other tools: `init --from-sso` builds the registry from the grants; `aws-config
 * --sso-style sso-session` writes native profiles that the real AWS CLI v1 (botocore) and the JS SDK's own
 * `fromSSO` use with the token `crossbar login` leaves in the AWS token cache.
 */
let s: SsoWorld;

beforeAll(async () => {
  s = await startSsoWorld();
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

describe('init --from-sso', () => {
  it('a start URL IAM Identity Center does not know: one line naming it (exit 1), nothing written', async () => {
    const out = join(s.w.dir, 'unknown.yaml');
    const r = await s.cli([
      'init',
      '--from-sso',
      'https://d-0000000000.awsapps.com/start',
      '--sso-region',
      s.region,
      '--out',
      out,
      '--endpoint',
      s.w.sb.endpoint,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('https://d-0000000000.awsapps.com/start');
    expect(r.stderr).toMatch(
      /^crossbar: IAM Identity Center in eu-west-1 refused the start URL https:\/\/d-0000000000/m,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => statSync(out)).toThrow();
  });

  it('signs in and writes the accounts × permission sets granted, with OUs, tags and stages', async () => {
    const out = join(s.w.dir, 'from-sso.yaml');
    const argv = ['init', '--from-sso', s.startUrl, '--sso-region', s.region, '--source-name', 'acme-sso'];
    const r = await s.login('alice', [...argv, '--out', out, '--endpoint', s.w.sb.endpoint]);
    expect(r.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const config = parse(readFileSync(out, 'utf8')) as {
      sources: Record<string, { sso: { start_url: string; region: string } }>;
      accounts: {
        id: string;
        name: string;
        stage?: string;
        ou?: string;
        source: string;
        roles: Record<string, { permission_set: string }>;
      }[];
    };
    expect(config.sources['acme-sso']?.sso).toEqual({ start_url: s.startUrl, region: s.region });
    const production = config.accounts.find((a) => a.id === '444444444444');
    expect(production).toMatchObject({ name: 'production', stage: 'prod', ou: '/Workloads', source: 'acme-sso' });
    // the least privileged first: an account's default role is its first
    expect(Object.entries(production?.roles ?? {})).toEqual([
      ['readonly', { permission_set: 'ReadOnlyAccess' }],
      ['admin', { permission_set: 'AdministratorAccess' }],
    ]);
    expect(config.accounts.map((a) => a.id)).not.toContain('555555555555'); // no assignment there
    expect(r.stdout).toMatch(/OUs and tags read as 111111111111 ReadOnlyAccess/);
    // the file it wrote works: an SSO role through it
    const hop = await s.cli(['credential-process', 'production', '--config', out]);
    expect(hop.code).toBe(0);
  });
});

describe('aws-config --sso-style sso-session', () => {
  let profile: string;

  beforeAll(async () => {
    const r = await s.cli(['aws-config', '--write', '--sso-style', 'sso-session']);
    expect(r.code).toBe(0);
    const text = readFileSync(s.w.paths.awsConfig, 'utf8');
    expect(text).toContain(
      `[sso-session acme-sso]\n# crossbar: sso-session of source acme-sso\nsso_start_url = ${s.startUrl}`,
    );
    profile = /\[profile ([^\]]*production-readonly)\]/.exec(text)?.[1] ?? '';
    expect(profile).not.toBe('');
    expect(r.stderr).toContain('wrote the AWS token cache');
  });

  it("--write put crossbar's token in the AWS token cache (0600) with the fields botocore and the SDK read", () => {
    const path = awsTokenCachePath(s.w.home, 'acme-sso');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const cached = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
    expect(Object.keys(cached).sort()).toEqual(
      [
        'accessToken',
        'clientId',
        'clientSecret',
        'expiresAt',
        'refreshToken',
        'region',
        'registrationExpiresAt',
        'startUrl',
      ].sort(),
    );
    expect(cached['startUrl']).toBe(s.startUrl);
  });

  it('the real AWS CLI (botocore) uses the sso_session profile', async () => {
    const env = awsEnv({ config: s.w.paths.awsConfig, credentials: s.w.paths.awsCredentials, home: s.w.home });
    const r = await runAws(['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { Arn: string }).Arn).toMatch(
      /^arn:aws:sts::444444444444:assumed-role\/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/alice$/,
    );
  });

  it("the SDK's own fromSSO uses it", async () => {
    const home = process.env['HOME'];
    process.env['HOME'] = s.w.home; // the SDK finds ~/.aws/sso/cache from the process's home
    try {
      const credentials = fromSSO({
        profile,
        configFilepath: s.w.paths.awsConfig,
        filepath: s.w.paths.awsCredentials,
        clientConfig: { endpoint: s.w.sb.endpoint },
      });
      const sts = new STSClient({ region: 'us-east-1', endpoint: s.w.sb.endpoint, credentials });
      const arn = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
      sts.destroy();
      expect(arn).toMatch(/AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}\/alice$/);
    } finally {
      process.env['HOME'] = home;
    }
  });

  it('denied twin: a permission set not assigned fails in the AWS CLI too', async () => {
    const text = readFileSync(s.w.paths.awsConfig, 'utf8');
    const admin = /\[profile ([^\]]*management-readonly)\]/.exec(text)?.[1] ?? '';
    expect(admin).not.toBe('');
    // bob signs in: his token replaces alice's in both caches; production admin is not his
    const login = await s.login('bob');
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('use the AWS token cache');
    const adminProfile = /\[profile ([^\]]*production-admin)\]/.exec(text)?.[1] ?? '';
    expect(adminProfile).not.toBe('');
    const env = awsEnv({ config: s.w.paths.awsConfig, credentials: s.w.paths.awsCredentials, home: s.w.home });
    const r = await runAws(['--profile', adminProfile, 'sts', 'get-caller-identity'], env);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ForbiddenException|No access|UnauthorizedException/);
  });
});
