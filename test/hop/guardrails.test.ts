import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderProfiles } from '../../src/core/aws-config/index.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import { buildRegistry } from '../../src/core/config/registry.js';
import { DEVELOPMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { CROSSBAR, runProcess, type ProcessResult } from '../helpers/crossbar-bin.js';
import { startWorld, type CliEnv, type World } from '../helpers/world.js';

/**
 * Issue 9 items 7 and 20: the guardrails of generated profiles. The AWS CLI runs `credential-process` with its
 * stdin, stdout and stderr piped, so crossbar asks on the controlling terminal (`/dev/tty`) when a person is
 * there (script(1) gives these tests one), honours a time-limited `crossbar unlock`, and otherwise refuses in
 * one line naming `crossbar unlock`: a warm cache never skips production admin's `confirm: true`.
 */
let w: World;
let awsConfig: string;
beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
  const parsed = parseConfig(readFileSync(w.paths.crossbarYaml, 'utf8'), w.paths.crossbarYaml);
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  awsConfig = join(w.dir, 'aws-config-generated');
  writeFileSync(
    awsConfig,
    renderProfiles(buildRegistry(parsed.config), {
      mode: 'credential-process',
      crossbarCommand: CROSSBAR,
      configPath: w.paths.crossbarYaml,
    }),
  );
});
afterAll(() => w.stop());

const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/** A command on a terminal of its own (script's pseudo-terminal), `input` typed into it. */
function onTerminal(argv: readonly string[], env: CliEnv, input: string): Promise<ProcessResult> {
  const terminalEnv = { ...env, CROSSBAR_NO_TTY: undefined };
  return runProcess(['script', '-qec', argv.map(quote).join(' '), '/dev/null'], terminalEnv, { input, cwd: w.dir });
}

function awsArgv(profile: string): string[] {
  return ['aws', '--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'];
}

/** The AWS CLI on the generated profiles; crossbar, its child, finds crossbar.yaml through the profile. */
function awsEnv(extra: CliEnv = {}): CliEnv {
  return w.env({ AWS_CONFIG_FILE: awsConfig, CROSSBAR_CONFIG: undefined, ...extra });
}

function arnIn(output: string): string | undefined {
  return /"Arn":\s*"([^"]+)"/.exec(output)?.[1];
}

function guardrailEvents(): { event: string; label: string; command?: string }[] {
  const text = readFileSync(join(String(w.env()['CROSSBAR_HOME']), 'guardrails.jsonl'), 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; label: string; command?: string });
}

describe('MFA through credential_process (item 20)', () => {
  it('denied twin: with no terminal at all, the AWS CLI shows one line naming crossbar unlock', async () => {
    const out = await runProcess(awsArgv('demo-dev-admin'), awsEnv({ CROSSBAR_HOME: w.newHome() }), { cwd: w.dir });
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('This role needs an MFA code from arn:aws:iam::111111111111:mfa/alice');
    expect(out.stderr).toContain('crossbar unlock');
    expect(out.stderr).not.toContain('Run on a terminal');
  }, 60_000);

  it('asks for the code on the terminal even though the AWS CLI pipes stderr, and the hop works', async () => {
    const out = await onTerminal(awsArgv('demo-dev-admin'), awsEnv(), `${w.mfaCode()}\n`);
    expect(out.code, out.stdout).toBe(0);
    expect(out.stdout).toContain('MFA code for arn:aws:iam::111111111111:mfa/alice: ');
    expect(arnIn(out.stdout)).toBe(`arn:aws:sts::${DEVELOPMENT}:assumed-role/administrator/alice`);
  }, 60_000);
});

describe('confirm: true through credential_process (item 7)', () => {
  const prodAdmin = () => runProcess(awsArgv('demo-prod-admin'), awsEnv(), { cwd: w.dir });

  it('a warm cache does not skip the confirmation: refused in one line naming crossbar unlock', async () => {
    // Warm: production admin's credentials are in the cache (the MFA session of the test above opened them).
    const warm = await w.cli(['env', 'production:admin', '--yes']);
    expect(warm.code, warm.stderr).toBe(0);
    const out = await prodAdmin();
    expect(out.code).not.toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(
      "crossbar: production:admin needs confirmation (confirm: true) and there is no terminal to type 'production' on (run `crossbar unlock production:admin` on a terminal first (it lasts an hour))",
    );
  }, 60_000);

  it('denied twin: unlock needs a terminal, and a wrong answer unlocks nothing', async () => {
    const piped = await w.cli(['unlock', 'production:admin']);
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain(
      'unlock asks for the confirmation of production:admin on a terminal, and there is none',
    );
    const wrong = await onTerminal([...CROSSBAR, 'unlock', 'production:admin'], w.env(), 'prod\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toContain("'prod' is not 'production': nothing was run");
    expect((await prodAdmin()).code).not.toBe(0);
  }, 60_000);

  it('crossbar unlock, once on a terminal, lets the AWS CLI in until it is locked again; all of it recorded', async () => {
    const unlock = await onTerminal(
      [...CROSSBAR, 'unlock', 'production:admin', '--for', '30m'],
      w.env(),
      'production\n',
    );
    expect(unlock.code, unlock.stdout).toBe(0);
    expect(unlock.stdout).toMatch(/unlocked production:admin until \d\d:\d\d UTC/);
    for (let i = 0; i < 2; i += 1) {
      // The first answer comes from the full path, the second from the warm path: both honour the unlock.
      const out = await prodAdmin();
      expect(out.code, out.stderr).toBe(0);
      expect(arnIn(out.stdout)).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice`);
    }
    const listed = await w.cli(['unlock']);
    expect(listed.stdout).toMatch(/^production:admin {2}until \d\d:\d\d UTC \(\d+ min left\), by alice\n$/);
    const lock = await w.cli(['lock', 'production:admin']);
    expect(lock.stderr).toBe('locked production:admin\n');
    const after = await prodAdmin();
    expect(after.code).not.toBe(0);
    expect(after.stderr).toContain('crossbar unlock production:admin');
    const events = guardrailEvents();
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['refused', 'unlock', 'use-unlock', 'lock']));
    expect(events.filter((e) => e.event === 'use-unlock').map((e) => e.command)).toEqual([
      'credential-process',
      'credential-process',
    ]);
    expect(readFileSync(join(String(w.env()['CROSSBAR_HOME']), 'guardrails.jsonl'), 'utf8')).not.toMatch(
      /ASIA|AKIA|SecretAccessKey|SessionToken/,
    );
  }, 90_000);

  it('run honours an unlock too, and without one refuses naming it', async () => {
    const refused = await w.cli(['run', 'production', '--role', 'admin', '--', 'sts', 'get-caller-identity']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      'run `crossbar unlock production:admin` first, pass --yes, or pick another --role',
    );
  });
});
