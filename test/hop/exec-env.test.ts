import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { runProcess } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

/** The variables of a child, as it sees them: `env -0` output parsed. */
async function childEnv(
  argv: string[],
  extra: Record<string, string | undefined> = {},
): Promise<{ code: number; vars: Record<string, string> }> {
  const out = await w.cli(['exec', ...argv, '--', 'env', '-0'], extra);
  const vars = Object.fromEntries(
    out.stdout
      .split('\0')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: out.code, vars };
}

describe('crossbar exec', () => {
  it('runs the real AWS CLI in production: it reaches the sandbox through AWS_ENDPOINT_URL and is 444444444444', async () => {
    const out = await w.cli(['exec', 'production', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      Account: PRODUCTION,
      Arn: `arn:aws:sts::${PRODUCTION}:assumed-role/CrossbarReadOnly/alice`,
    });
  });

  it("sets the standard AWS variables and crossbar's own, and removes profiles", async () => {
    const { code, vars } = await childEnv(['/switch-to-dev'], {
      AWS_PROFILE: 'alice',
      AWS_DEFAULT_PROFILE: 'alice',
      AWS_SESSION_TOKEN: 'stale',
    });
    expect(code).toBe(0);
    expect(vars).toMatchObject({
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: w.sb.endpoint,
      CROSSBAR_ACCOUNT: 'development',
      CROSSBAR_ACCOUNT_ID: DEVELOPMENT,
      CROSSBAR_STAGE: 'dev',
      CROSSBAR_ROLE: 'CrossbarReadOnly',
    });
    expect(vars['AWS_ACCESS_KEY_ID']).toMatch(/^ASIA/);
    expect(vars['AWS_SECRET_ACCESS_KEY']?.length).toBeGreaterThan(20);
    expect(vars['AWS_SESSION_TOKEN']).not.toBe('stale');
    expect(Date.parse(vars['AWS_CREDENTIAL_EXPIRATION'] ?? '') - Date.now()).toBeGreaterThan(50 * 60_000);
    expect(vars['AWS_CREDENTIAL_EXPIRATION']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(vars).not.toHaveProperty('AWS_PROFILE');
    expect(vars).not.toHaveProperty('AWS_DEFAULT_PROFILE');
    // The rest of the parent's environment comes through.
    expect(vars['CROSSBAR_CONFIG']).toBe(w.paths.crossbarYaml);
  });

  it('--region sets AWS_REGION and AWS_DEFAULT_REGION', async () => {
    const { vars } = await childEnv(['development', '--region', 'eu-west-1']);
    expect([vars['AWS_REGION'], vars['AWS_DEFAULT_REGION']]).toEqual(['eu-west-1', 'eu-west-1']);
  });

  it("passes the child's exit code through, and a signal as 128+N", async () => {
    expect((await w.cli(['exec', 'development', '--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await w.cli(['exec', 'development', '--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(128 + 15);
    const missing = await w.cli(['exec', 'development', '--', 'no-such-command-xyz']);
    expect(missing).toMatchObject({ code: 127, stderr: 'crossbar: no-such-command-xyz: command not found\n' });
  });

  it('refuses to nest inside another crossbar exec: exit 2, nothing run', async () => {
    const marker = join(w.dir, 'nested-ran');
    const out = await w.cli(['exec', 'development', '--', 'touch', marker], { CROSSBAR_ACCOUNT: 'production' });
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe(
      'crossbar: already inside crossbar exec for production: exit that shell first',
    );
    expect(() => execFileSync('test', ['-e', marker])).toThrow();
  });

  it('a role marked confirm: true refuses without a terminal unless --yes', async () => {
    const code = w.mfaCode();
    const refused = await w.cli(['exec', 'production:admin', '--mfa-code', code, '--', 'true']);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "crossbar: production:admin needs confirmation (confirm: true) and there is no terminal to type 'production' on\nhint: run `crossbar unlock production:admin` on a terminal first (it lasts an hour), or pass --yes\n",
    });
    const yes = await w.cli([
      'exec',
      'production:admin',
      '--yes',
      '--mfa-code',
      code,
      '--',
      'aws',
      'sts',
      'get-caller-identity',
      '--query',
      'Arn',
      '--output',
      'text',
    ]);
    expect(yes.code).toBe(0);
    expect(yes.stdout.trim()).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice`);
  });

  it('alice without an MFA code on a non-terminal: MFA_REQUIRED in one line and a hint; a wrong code: not accepted', async () => {
    const none = await w.cli(['exec', 'development:admin', '--', 'true']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'crossbar: This role needs an MFA code from arn:aws:iam::111111111111:mfa/alice and there is no terminal to ask on\nhint: run `crossbar unlock ACCOUNT:ROLE` on a terminal first (the MFA session it opens serves later calls), or pass --mfa-code or set CROSSBAR_MFA_CODE\n',
    );
    const wrong = await w.cli(['exec', 'development:admin', '--', 'true'], {
      CROSSBAR_MFA_CODE: w.mfaCode() === '000000' ? '111111' : '000000',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.split('\n')[0]).toBe(
      'crossbar: The MFA code for arn:aws:iam::111111111111:mfa/alice was not accepted',
    );
    const right = await w.cli(['exec', 'development:admin', '--', 'true'], { CROSSBAR_MFA_CODE: w.mfaCode() });
    expect(right).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('crossbar env', () => {
  const evalSh = (script: string, print: string) =>
    execFileSync('sh', ['-c', `${script}\n${print}`], {
      env: { PATH: process.env['PATH'] ?? '', AWS_PROFILE: 'left-over' },
    }).toString();

  it('sh: export lines that sh evaluates to exactly the exec variables', async () => {
    const out = await w.cli(['env', 'production', '--shell', 'sh']);
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN');
    expect(out.stdout).toMatch(/^export AWS_ACCESS_KEY_ID='ASIA\w+'$/m);
    const printed = evalSh(
      out.stdout,
      'printf "%s|%s|%s|%s|%s|%s" "$CROSSBAR_ACCOUNT" "$CROSSBAR_ACCOUNT_ID" "$CROSSBAR_STAGE" "$AWS_REGION" "$AWS_ENDPOINT_URL" "${AWS_PROFILE-unset}"',
    );
    expect(printed).toBe(`production|${PRODUCTION}|prod|us-east-1|${w.sb.endpoint}|unset`);
    // The credentials survive the round trip through the shell: the AWS CLI accepts them. (Asynchronously: the
    // sandbox answering it lives in this process.)
    const aws = await runProcess(
      ['sh', '-c', `${out.stdout}\naws sts get-caller-identity --query Account --output text`],
      {
        PATH: process.env['PATH'],
        HOME: w.dir,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      },
    );
    expect(aws.stdout.trim()).toBe(PRODUCTION);
  });

  it('sh quoting survives single quotes, spaces, $ and backslashes (account names are plain, but paths are not)', async () => {
    const { quoteSh } = await import('../../src/core/env-vars.js');
    const nasty = `it's $HOME \\ "x" \`y\``;
    expect(evalSh(`export X=${quoteSh(nasty)}`, 'printf %s "$X"')).toBe(nasty);
  });

  it('fish and powershell syntax', async () => {
    const fish = await w.cli(['env', 'development', '--shell', 'fish']);
    expect(fish.code).toBe(0);
    expect(fish.stdout).toMatch(/^set -e AWS_PROFILE$/m);
    expect(fish.stdout).toMatch(/^set -gx CROSSBAR_ACCOUNT 'development'$/m);
    expect(fish.stdout).toMatch(/^set -gx AWS_SESSION_TOKEN '[^']+'$/m);
    const ps = await w.cli(['env', 'development', '--shell', 'powershell']);
    expect(ps.stdout).toMatch(/^Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m);
    expect(ps.stdout).toMatch(/^\$Env:CROSSBAR_STAGE = 'dev'$/m);
    expect(ps.stdout).toMatch(/^\$Env:AWS_ENDPOINT_URL = 'http:\/\/127\.0\.0\.1:\d+'$/m);
  });

  it('defaults to the family of $SHELL, and refuses an unknown shell', async () => {
    const fish = await w.cli(['env', 'development'], { SHELL: '/usr/bin/fish' });
    expect(fish.stdout).toMatch(/^set -gx /m);
    const bad = await w.cli(['env', 'development', '--shell', 'tcsh']);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr: "crossbar: unknown shell 'tcsh'\nhint: use --shell sh, fish, powershell\n",
    });
  });

  it('the confirm guardrail applies to env as well', async () => {
    const refused = await w.cli(['env', 'production:admin', '--mfa-code', w.mfaCode()]);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    const yes = await w.cli(['env', 'production:admin', '--yes', '--mfa-code', w.mfaCode()]);
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/^export CROSSBAR_ROLE='admin'$/m);
  });
});

describe('bad input: one clear line (and a hint), the right exit code, nothing printed on stdout', () => {
  it('malformed YAML names file:line:col', async () => {
    const bad = join(w.dir, 'broken.yaml');
    writeFileSync(bad, 'accounts:\n  - { id: "222222222222", name: [unclosed\n');
    const out = await w.cli(['exec', 'development', '--', 'true'], { CROSSBAR_CONFIG: bad });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.split('\n')[0]).toMatch(
      new RegExp(`^crossbar: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ \\(root\\): YAML: `),
    );
  });

  it('a missing config names where it looked', async () => {
    const out = await w.cli(['whoami'], { CROSSBAR_CONFIG: undefined, HOME: w.dir });
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')[0]).toMatch(
      /^crossbar: No crossbar\.yaml found \(looked for .*crossbar\.yaml and .*\.config\/crossbar\/crossbar\.yaml\)$/,
    );
    const flag = await w.cli(['--config', join(w.dir, 'nope.yaml'), 'whoami']);
    expect(flag.stderr.split('\n')[0]).toBe(`crossbar: ${join(w.dir, 'nope.yaml')} does not exist (from --config)`);
  });

  it('unknown account, role and shortcut come with a suggestion, exit 2', async () => {
    const account = await w.cli(['exec', 'prodution', '--', 'true']);
    expect(account).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "crossbar: Unknown account 'prodution': no name, id, alias, stage or prefix matches\nhint: Did you mean 'production'? Accounts: development, staging, production, client-acme, management; stages: dev, staging, prod, client (see `crossbar accounts list`)\n",
    });
    const role = await w.cli(['env', 'production:admn']);
    expect(role).toEqual({
      code: 2,
      stdout: '',
      stderr: "crossbar: Account 'production' has no role 'admn'\nhint: Its roles: CrossbarReadOnly, admin\n",
    });
    const shortcut = await w.cli(['whoami', '/switch-to-prd']);
    expect(shortcut).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "crossbar: Unknown shortcut '/switch-to-prd'\nhint: Did you mean '/switch-to-prod'? See `crossbar shortcut list`\n",
    });
  });

  it('missing and expired source credentials', async () => {
    const missing = await w.cli(['exec', 'development', '--', 'true'], {
      CROSSBAR_CONFIG: w.variant('ghost', (y) => y.replace(/^source: .*$/m, 'source: { profile: ghost }')),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe('crossbar: No credentials found for profile ghost');
    const envSource = w.variant('env-source', (y) => y.replace(/^source: .*\n/m, ''));
    const expired = await w.cli(['exec', 'development', '--', 'true'], {
      CROSSBAR_CONFIG: envSource,
      AWS_ACCESS_KEY_ID: 'ASIAEXPIREDEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'x'.repeat(40),
      AWS_SESSION_TOKEN: 'tok',
      AWS_CREDENTIAL_EXPIRATION: '2020-01-01T00:00:00Z',
    });
    expect(expired.code).toBe(1);
    expect(expired.stderr.split('\n')[0]).toBe(
      'crossbar: The credentials of AWS_ACCESS_KEY_ID from the environment expired at 2020-01-01T00:00:00.000Z',
    );
  });

  it('an endpoint that does not answer', async () => {
    const dead = w.variant('dead-endpoint', (y) => y.replace(/^endpoint: .*$/m, 'endpoint: http://127.0.0.1:9'));
    const out = await w.cli(['exec', 'development', '--', 'true'], { CROSSBAR_CONFIG: dead });
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toBe(
      'crossbar: No answer from http://127.0.0.1:9\nhint: Is the sandbox running? Start it with `crossbar sandbox start`, or fix `endpoint` in crossbar.yaml\n',
    );
  }, 30_000);
});
