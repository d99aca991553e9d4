import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAws } from '../aws-config/run-aws.js';
import { CROSSBAR, crossbarCommand, REPO, runProcess } from '../helpers/crossbar-bin.js';
import { closedPortUrl, crossbarCli, lines, startServedTeam, type ServedTeam } from '../helpers/team-cli.js';
import { addMember, makeWorkspace, type ApiClient } from '../helpers/team-server.js';
import { assumeRoleCalls, enrolTotp, nextCode } from '../helpers/vend-world.js';
import { startWorld, type CliEnv, type World } from '../helpers/world.js';

/**
 * With a current workspace, exec, env, console, run and credential-process (and the profiles aws-config generates)
 * get their credentials from the team server: the member has no AWS keys of their own, and the sandbox's CloudTrail
 * names them. The server is the real app on a free port over the sandbox (alice's keys as its source), the CLI real
 * processes signed in with API tokens.
 */
let w: World;
let t: ServedTeam;
const env: Record<string, CliEnv> = {};
const members: Record<string, ApiClient> = {};

async function signedIn(who: string, workspace: string): Promise<CliEnv> {
  const cli = t.cliEnv();
  const client = members[who] ?? t.alice;
  const login = await crossbarCli(['login', '--server', t.url, '--token', await t.tokenOf(client)], cli);
  if (login.code !== 0) throw new Error(login.stderr);
  const use = await crossbarCli(['workspace', 'use', workspace], cli);
  if (use.code !== 0) throw new Error(use.stderr);
  return cli;
}

beforeAll(async () => {
  w = await startWorld();
  t = await startServedTeam(w, {
    extend: (deps) => ({ ...deps, env: w.awsEnv, sourceMfaCode: () => Promise.resolve(w.mfaCode()) }),
  });
  for (const who of ['bob', 'carol', 'dave']) members[who] = await t.member(who);
  await makeWorkspace(t.alice, { name: 'platform', accounts: ['stage!=prod'] });
  await makeWorkspace(t.alice, { name: 'production', accounts: ['production'] });
  await addMember(t.alice, 'platform', 'bob', 'viewer');
  await addMember(t.alice, 'platform', 'carol', 'operator');
  await addMember(t.alice, 'production', 'dave', 'operator');
  [env['bob'], env['carol'], env['dave']] = await Promise.all([
    signedIn('bob', 'platform'),
    signedIn('carol', 'platform'),
    signedIn('dave', 'production'),
  ]);
}, 90_000);
afterAll(async () => {
  await t?.close();
  await w?.stop();
});

const as = (who: string, argv: string[], extra: CliEnv = {}) => crossbarCli(argv, { ...env[who], ...extra });
const vends = async (username: string) =>
  (await t.team.store.db.selectFrom('trail').select(['actor', 'action', 'outcome']).execute()).filter(
    (e) => e.actor === username && e.action === 'credentials.vend' && e.outcome === 'ok',
  ).length;

describe('hop commands through the server', () => {
  it('exec runs the command as the member, in the account, with no AWS keys of their own', async () => {
    const out = await as('carol', [
      'exec',
      'development',
      '--',
      'aws',
      'sts',
      'get-caller-identity',
      '--output',
      'json',
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      Account: '222222222222',
      Arn: 'arn:aws:sts::222222222222:assumed-role/CrossbarReadOnly/carol',
    });
  }, 60_000);

  it('env prints the vended credentials and the endpoint for the shell', async () => {
    const out = await as('carol', ['env', 'staging']);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^export AWS_ACCESS_KEY_ID=/m);
    expect(out.stdout).toContain(`export AWS_ENDPOINT_URL='${w.sb.endpoint}'`);
    expect(out.stdout).toContain("export CROSSBAR_ACCOUNT='staging'");
  }, 60_000);

  it('a generated profile (aws-config) runs credential-process, which asks the server once, then answers warm', async () => {
    const awsConfig = join(env['carol']?.['CROSSBAR_HOME'] ?? '', 'aws-config');
    writeFileSync(awsConfig, '');
    const profiles = { AWS_CONFIG_FILE: awsConfig };
    const written = await as('carol', ['aws-config', '--write', '--crossbar-command', crossbarCommand()], profiles);
    expect(written.code).toBe(0);
    const text = readFileSync(awsConfig, 'utf8');
    expect(text).toContain('[profile platform-development-CrossbarReadOnly]');
    expect(text).toMatch(/credential_process = .* credential-process development:CrossbarReadOnly$/m);
    expect(text).not.toContain('--config');
    expect(text).toContain(`endpoint_url = ${w.sb.endpoint}`);

    const aws = () =>
      runAws(['--profile', 'platform-client-acme-CrossbarReadOnly', 'sts', 'get-caller-identity', '--output', 'json'], {
        ...env['carol'],
        ...profiles,
      });
    const before = await vends('carol');
    const cold = await aws();
    expect(cold.stderr).toBe('');
    // client-acme: no crossbar command has used it yet, so credential-process asks the server.
    expect(JSON.parse(cold.stdout)).toMatchObject({
      Arn: 'arn:aws:sts::555555555555:assumed-role/CrossbarReadOnly/carol',
    });
    expect(await vends('carol')).toBe(before + 1);
    const warm = await aws();
    expect(JSON.parse(warm.stdout)).toMatchObject({ Arn: expect.stringContaining('/carol') });
    // The warm credential-process answered from the local encrypted cache: the server was not asked again.
    expect(await vends('carol')).toBe(before + 1);
    // … and from the fast path: no server client, zod, yaml or AWS SDK loaded (a traced process).
    const trace = join(env['carol']?.['CROSSBAR_HOME'] ?? '', 'trace.txt');
    const [node = 'node', ...rest] = CROSSBAR;
    const traced = await runProcess(
      [
        node,
        '--import',
        join(REPO, 'test/hop/fixtures/trace-packages.mjs'),
        ...rest,
        'credential-process',
        'client-acme:CrossbarReadOnly',
      ],
      { ...env['carol'], CROSSBAR_TRACE_PACKAGES: trace },
    );
    expect(traced.code).toBe(0);
    const loaded = readFileSync(trace, 'utf8').split('\n').filter(Boolean);
    expect(loaded.filter((p) => p === 'zod' || p === 'yaml' || p.startsWith('@aws-sdk/'))).toEqual([]);
    expect(await vends('carol')).toBe(before + 1);
  }, 90_000);

  it('run fans out with vended credentials; console --print gets its sign-in URL from the server', async () => {
    const run = await as('carol', [
      'run',
      'stage=dev,stage=staging',
      '--regions',
      'us-east-1',
      '-o',
      'json',
      '--',
      'sts',
      'GetCallerIdentity',
    ]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { name: string; value?: { Arn?: string } }[] };
    expect(report.results.map((r) => [r.name, r.value?.Arn?.split('/').at(-1)]).sort()).toEqual([
      ['development', 'carol'],
      ['staging', 'carol'],
    ]);
    const url = await as('carol', ['console', 'development', '--print']);
    expect(url.code).toBe(0);
    expect(url.stdout).toMatch(new RegExp(`^${w.sb.endpoint}/federation\\?Action=login&`));
  }, 90_000);
});

describe('admin roles: the member’s own TOTP; guarded roles: the CLI’s confirmation', () => {
  it('an admin role with the member’s authenticator code (CROSSBAR_MFA_CODE); without one: one line, exit 1', async () => {
    const without = await as('carol', ['exec', 'development:admin', '--', 'true']);
    expect(without.code).toBe(1);
    expect(lines(without.stderr)[0]).toMatch(/^crossbar: development:admin is an admin role/);
    const secret = await enrolTotp(t.team, members['carol'] as ApiClient);
    const noTerminal = await as('carol', ['exec', 'development:admin', '--', 'true']);
    expect(noTerminal.code).toBe(1);
    expect(lines(noTerminal.stderr)).toEqual([
      `crossbar: the server asks for carol on ${t.url}'s authenticator code (an admin role) and there is no terminal to ask on`,
      'hint: pass --mfa-code CODE or set CROSSBAR_MFA_CODE (the code of your own authenticator app)',
    ]);
    const code = nextCode(t.team, secret);
    const out = await as(
      'carol',
      ['exec', 'development:admin', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'],
      { CROSSBAR_MFA_CODE: code },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toMatchObject({
      Arn: 'arn:aws:sts::222222222222:assumed-role/administrator/carol',
    });
  }, 90_000);

  it('production:admin needs the confirmation (--yes here) and the code; without a terminal or --yes it is refused before the server is asked', async () => {
    const secret = await enrolTotp(t.team, members['dave'] as ApiClient);
    const calls = assumeRoleCalls(w.sb);
    const refused = await as('dave', ['exec', 'production:admin', '--', 'true'], {
      CROSSBAR_MFA_CODE: nextCode(t.team, secret),
    });
    expect(refused.code).toBe(2);
    expect(lines(refused.stderr)[0]).toBe(
      "crossbar: production:admin needs confirmation (confirm: true) and there is no terminal to type 'production' on",
    );
    expect(assumeRoleCalls(w.sb)).toBe(calls);
    const out = await as(
      'dave',
      ['exec', 'production:admin', '--yes', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'],
      { CROSSBAR_MFA_CODE: nextCode(t.team, secret) },
    );
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toMatchObject({
      Arn: 'arn:aws:sts::444444444444:assumed-role/administrator/dave',
    });
  }, 90_000);
});

describe('the denied twins', () => {
  it('a viewer is refused: one line, exit 1, no AssumeRole', async () => {
    const calls = assumeRoleCalls(w.sb);
    const out = await as('bob', ['exec', 'development', '--', 'true']);
    expect(out.code).toBe(1);
    expect(lines(out.stderr)).toEqual([
      'crossbar: credentials.vend in platform needs the operator role; bob is viewer',
      expect.stringMatching(/^hint: /),
    ]);
    const process = await as('bob', ['credential-process', 'development']);
    expect(process.code).toBe(1);
    expect(process.stdout).toBe('');
    expect(lines(process.stderr)).toHaveLength(1);
    expect(assumeRoleCalls(w.sb)).toBe(calls);
  }, 60_000);

  it('a server that does not answer: one line naming its URL, exit 1', async () => {
    const home = `${env['carol']?.['CROSSBAR_HOME'] ?? ''}-moved`;
    cpSync(env['carol']?.['CROSSBAR_HOME'] ?? '', home, { recursive: true });
    const state = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8')) as Record<string, unknown>;
    const dead = await closedPortUrl();
    writeFileSync(join(home, 'server.json'), JSON.stringify({ ...state, url: dead }), { mode: 0o600 });
    const out = await as('carol', ['exec', 'staging', '--', 'true'], { CROSSBAR_HOME: home });
    expect(out.code).toBe(1);
    expect(lines(out.stderr)).toEqual([
      `crossbar: the crossbar server at ${dead} does not answer (ECONNREFUSED)`,
      'hint: check that `crossbar serve` runs there and the URL is right',
    ]);
  }, 60_000);
});
