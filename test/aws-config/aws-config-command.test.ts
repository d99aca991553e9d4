import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_BEGIN, BLOCK_END } from '../../src/core/aws-config/index.js';
import { awsEnv, runAws } from './run-aws.js';
import { crossbarCommand } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar aws-config` through `main()`: the diff, the merge into a hand-written ~/.aws/config, and the real AWS
 * CLI using the generated profiles in both modes against the sandbox.
 */
let w: World;
let configPath: string;
let handWritten: string;

const busy = readFileSync(new URL('../init/fixtures/busy-aws-config.ini', import.meta.url), 'utf8');

beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
  configPath = join(w.home, '.aws', 'config');
  mkdirSync(dirname(configPath), { recursive: true });
  // Comments, [default], SSO, services, someone's own role profiles, the sandbox's people; no final newline.
  handWritten = `${busy}\n${readFileSync(w.paths.awsConfig, 'utf8').trimEnd()}`;
});
afterAll(async () => {
  await w.stop();
});

/** The CLI with ~/.aws/config under the temp HOME (AWS_CONFIG_FILE unset, so the default path is exercised). */
function crossbar(argv: string[], extra: Record<string, string | undefined> = {}) {
  return w.cli(argv, { AWS_CONFIG_FILE: undefined, ...extra });
}

function reset(text = handWritten): void {
  writeFileSync(configPath, text);
  for (const f of backups()) rmSync(join(dirname(configPath), f));
}

function backups(): string[] {
  return readdirSync(dirname(configPath)).filter((f) => f.includes('crossbar-backup'));
}

/** What is outside crossbar's block, to compare with the hand-written file byte for byte. */
function outsideBlock(text: string): string {
  const begin = text.indexOf(BLOCK_BEGIN);
  const end = text.indexOf(BLOCK_END);
  if (begin < 0 || end < 0) return text;
  return text.slice(0, begin) + text.slice(end + BLOCK_END.length + 1);
}

async function callerIdentity(profile: string, extraEnv: Record<string, string> = {}) {
  const awsHome = mkdtempSync(join(w.dir, 'aws-home-'));
  const env = { ...awsEnv({ config: configPath, credentials: w.paths.awsCredentials, home: awsHome }), ...extraEnv };
  const run = await runAws(['--profile', profile, 'sts', 'get-caller-identity', '--output', 'json'], env);
  return {
    ...run,
    identity: run.status === 0 ? (JSON.parse(run.stdout) as { Account: string; Arn: string }) : undefined,
  };
}

describe('crossbar aws-config without --write', () => {
  it('prints the unified diff of the managed block and changes nothing', async () => {
    reset();
    for (const argv of [['aws-config'], ['aws-config', '--dry-run'], ['aws-config', '--write', '--dry-run']]) {
      const run = await crossbar(argv);
      expect(run.code).toBe(0);
      expect(run.stdout.startsWith(`--- ${configPath}\n+++ ${configPath}\n@@ `)).toBe(true);
      expect(run.stdout).toContain(`+${BLOCK_BEGIN}\n`);
      expect(run.stdout).toContain('+[profile demo-prod-CrossbarReadOnly]\n');
      expect(run.stdout).toContain(
        `+credential_process = crossbar credential-process production:CrossbarReadOnly --config ${w.paths.crossbarYaml}\n`,
      );
      expect(run.stdout).not.toMatch(/^\+\[default\]/m);
      expect(run.stderr).toContain(
        'dry run: 8 added, 0 changed, 0 removed, 0 stale; nothing written (pass --write to apply)',
      );
      expect(readFileSync(configPath, 'utf8')).toBe(handWritten);
      expect(backups()).toEqual([]);
    }
  });
});

describe('crossbar aws-config --output json', () => {
  it('gives the counts, the profile names and the diff as one object, writing nothing', async () => {
    reset();
    const run = await crossbar(['--output', 'json', 'aws-config', '--mode', 'role-arn']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as {
      path: string;
      mode: string;
      added: string[];
      stale: string[];
      written: boolean;
      diff: string;
    };
    expect(plan).toMatchObject({ path: configPath, mode: 'role-arn', stale: [], written: false });
    expect(plan.added).toEqual([
      'demo-dev-CrossbarReadOnly',
      'demo-dev-admin',
      'demo-staging-CrossbarReadOnly',
      'demo-staging-admin',
      'demo-prod-CrossbarReadOnly',
      'demo-prod-admin',
      'demo-client-CrossbarReadOnly',
      'demo-client-admin',
    ]);
    expect(plan.diff).toContain('+source_profile = alice\n');
    expect(readFileSync(configPath, 'utf8')).toBe(handWritten);
  });
});

describe('crossbar aws-config --write --mode role-arn', () => {
  it('merges the block after the hand-written file, which comes through byte for byte, with a backup', async () => {
    reset();
    const run = await crossbar(['aws-config', '--write', '--mode', 'role-arn']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`wrote ${configPath}: 8 added, 0 changed, 0 removed, 0 stale`);
    const text = readFileSync(configPath, 'utf8');
    expect(text.startsWith(`${handWritten}\n\n${BLOCK_BEGIN}\n`)).toBe(true);
    expect(text).toMatch(
      /\[profile demo-prod-CrossbarReadOnly\]\n# crossbar: account 444444444444 \(production\), role CrossbarReadOnly\nrole_arn = arn:aws:iam::444444444444:role\/CrossbarReadOnly\nsource_profile = alice\n/,
    );
    expect(text).toMatch(/\[profile demo-client-CrossbarReadOnly\]\n.*\n.*\n.*\nexternal_id = acme-crossbar-7f3a9c\n/);
    expect(text).toContain('mfa_serial = arn:aws:iam::111111111111:mfa/alice\n');
    const [backup] = backups();
    expect(readFileSync(join(dirname(configPath), backup ?? ''), 'utf8')).toBe(handWritten);
  });

  it('the real AWS CLI reaches production through the generated profile: Account 444444444444', async () => {
    const run = await callerIdentity('demo-prod-CrossbarReadOnly');
    expect(run.stderr).toBe('');
    expect(run.identity?.Account).toBe('444444444444');
    expect(run.identity?.Arn).toMatch(/^arn:aws:sts::444444444444:assumed-role\/CrossbarReadOnly\//);
  });

  it('names the session after the source user, so CloudTrail (read with the AWS CLI) shows alice, not botocore-session-N', async () => {
    const text = readFileSync(configPath, 'utf8');
    expect(text).toMatch(
      /\[profile demo-prod-CrossbarReadOnly\]\n(?:.*\n)*?role_session_name = alice\n(?:.*\n)*?\[profile/,
    );
    const awsHome = mkdtempSync(join(w.dir, 'aws-home-'));
    const env = awsEnv({ config: configPath, credentials: w.paths.awsCredentials, home: awsHome });
    const identity = await runAws(['--profile', 'demo-prod-CrossbarReadOnly', 'sts', 'get-caller-identity'], env);
    expect(identity.stderr).toBe('');
    expect((JSON.parse(identity.stdout) as { Arn: string }).Arn).toBe(
      'arn:aws:sts::444444444444:assumed-role/CrossbarReadOnly/alice',
    );
    const lookup = await runAws(
      [
        '--profile',
        'demo-prod-CrossbarReadOnly',
        'cloudtrail',
        'lookup-events',
        '--lookup-attributes',
        'AttributeKey=EventName,AttributeValue=AssumeRole',
        '--output',
        'json',
      ],
      env,
    );
    expect(lookup.stderr).toBe('');
    const events = (JSON.parse(lookup.stdout) as { Events: { Username?: string; CloudTrailEvent: string }[] }).Events;
    const byCli = events
      .map((e) => ({
        username: e.Username,
        record: JSON.parse(e.CloudTrailEvent) as { userAgent: string; requestParameters: { roleSessionName: string } },
      }))
      .filter((e) => e.record.userAgent.startsWith('aws-cli/'));
    expect(byCli.length).toBeGreaterThan(0);
    for (const e of byCli) expect(e.record.requestParameters.roleSessionName).toBe('alice');
    expect(lookup.stdout).not.toContain('botocore-session');
  });

  it('--role-session-name sets another name, sanitized to what AWS accepts; an empty one is a usage error', async () => {
    const plan = await crossbar([
      '--output',
      'json',
      'aws-config',
      '--mode',
      'role-arn',
      '--role-session-name',
      'Alice Liddell',
    ]);
    expect(plan.code).toBe(0);
    expect((JSON.parse(plan.stdout) as { diff: string }).diff).toContain('+role_session_name = Alice-Liddell\n');
    const empty = await crossbar(['aws-config', '--mode', 'role-arn', '--role-session-name', ' ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--role-session-name is empty');
  });

  it("denied twin: bob as the source cannot get into production's administrator profile", async () => {
    const bobConfig = join(w.dir, 'bob-config');
    writeFileSync(
      bobConfig,
      readFileSync(configPath, 'utf8').replaceAll('source_profile = alice', 'source_profile = bob'),
    );
    const awsHome = mkdtempSync(join(w.dir, 'aws-home-'));
    const run = await runAws(
      ['--profile', 'demo-prod-admin', 'sts', 'get-caller-identity'],
      awsEnv({ config: bobConfig, credentials: w.paths.awsCredentials, home: awsHome }),
      `${w.sb.mfaCode('alice')}\n`,
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation');
  });

  it('running it again changes nothing and writes no new backup', async () => {
    const before = readFileSync(configPath, 'utf8');
    const count = backups().length;
    const run = await crossbar(['aws-config', '--write', '--mode', 'role-arn']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${configPath} is up to date: 0 added, 0 changed, 0 removed, 0 stale\n`);
    expect(readFileSync(configPath, 'utf8')).toBe(before);
    expect(backups()).toHaveLength(count);
  });
});

describe('crossbar aws-config --write --mode credential-process', () => {
  it('rewrites the block in place, keeps text the user added after it, and the real AWS CLI gets 444444444444 through crossbar', async () => {
    const after = '\n# added by hand after crossbar\n[profile later]\nregion = ap-south-1\n';
    writeFileSync(configPath, readFileSync(configPath, 'utf8') + after);
    const run = await crossbar(['aws-config', '--write', '--crossbar-command', crossbarCommand()]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`wrote ${configPath}: 0 added, 8 changed, 0 removed, 0 stale`);
    const text = readFileSync(configPath, 'utf8');
    expect(outsideBlock(text)).toBe(`${handWritten}\n\n${after}`);
    expect(text).toContain(
      `credential_process = ${crossbarCommand()} credential-process production:CrossbarReadOnly --config ${w.paths.crossbarYaml}\n`,
    );
    const identity = await callerIdentity('demo-prod-CrossbarReadOnly', {
      CROSSBAR_HOME: join(w.dir, 'crossbar-home'),
      CROSSBAR_KEY_STORE: 'file',
    });
    expect(identity.stderr).toBe('');
    expect(identity.identity?.Account).toBe('444444444444');
    expect(identity.identity?.Arn).toBe('arn:aws:sts::444444444444:assumed-role/CrossbarReadOnly/alice');
  });

  it('denied twin: credential_process for client-acme without its ExternalId fails, and the CLI says so', async () => {
    const yaml = readFileSync(w.paths.crossbarYaml, 'utf8').replace(/\n\s*external_id: acme-crossbar-7f3a9c/, '');
    const noExternalId = join(w.dir, 'no-external-id.yaml');
    writeFileSync(noExternalId, yaml);
    const config = join(w.dir, 'config-no-external-id');
    writeFileSync(config, readFileSync(configPath, 'utf8').replaceAll(w.paths.crossbarYaml, noExternalId));
    const awsHome = mkdtempSync(join(w.dir, 'aws-home-'));
    const run = await runAws(['--profile', 'demo-client-CrossbarReadOnly', 'sts', 'get-caller-identity'], {
      ...awsEnv({ config, credentials: w.paths.awsCredentials, home: awsHome }),
      CROSSBAR_HOME: join(w.dir, 'crossbar-home'),
      CROSSBAR_KEY_STORE: 'file',
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('arn:aws:iam::555555555555:role/CrossbarReadOnly');
  });
});

describe('crossbar aws-config --prune', () => {
  it('reports the profiles of a gone account as stale, and --prune removes them', async () => {
    const fewer = join(w.dir, 'without-client.yaml');
    writeFileSync(
      fewer,
      readFileSync(w.paths.crossbarYaml, 'utf8').replace(
        / {2}- id: "555555555555"[\s\S]*?(?=\n {2}- id:|\nworkspaces:)/,
        '',
      ),
    );
    reset();
    expect((await crossbar(['aws-config', '--write', '--mode', 'role-arn'])).code).toBe(0);
    const stale = await crossbar(['aws-config', '--write', '--mode', 'role-arn'], { CROSSBAR_CONFIG: fewer });
    expect(stale.code).toBe(0);
    // Kept as they were: nothing to write, but said.
    expect(stale.stdout).toBe(`${configPath} is up to date: 0 added, 0 changed, 0 removed, 2 stale\n`);
    expect(stale.stderr).toBe(
      'stale: demo-client-CrossbarReadOnly, demo-client-admin: their accounts are no longer in crossbar.yaml; --prune removes them\n',
    );
    expect(readFileSync(configPath, 'utf8')).toContain('[profile demo-client-CrossbarReadOnly]');
    const pruned = await crossbar(['aws-config', '--write', '--mode', 'role-arn', '--prune', '--config', fewer], {
      CROSSBAR_CONFIG: undefined,
    });
    expect(pruned.stdout.split('\n')[0]).toBe(`wrote ${configPath}: 0 added, 0 changed, 2 removed, 0 stale`);
    const text = readFileSync(configPath, 'utf8');
    expect(text).not.toContain('demo-client-');
    expect(text).toContain('[profile demo-prod-CrossbarReadOnly]');
  });
});

describe('crossbar aws-config refuses to write', () => {
  it('a ~/.aws/config that cannot be parsed: one line path:line, exit 2, file unchanged', async () => {
    const broken = `${handWritten}\nthis line is not ini\n`;
    reset(broken);
    const run = await crossbar(['aws-config', '--write']);
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter(Boolean);
    expect(lines[0]).toBe(
      `crossbar: ${configPath}:${broken.split('\n').length - 1}: cannot parse the AWS config file: the line is neither a [section], a key = value, a comment nor an indented continuation`,
    );
    expect(lines).toHaveLength(2);
    expect(run.stdout).toBe('');
    expect(readFileSync(configPath, 'utf8')).toBe(broken);
    expect(backups()).toEqual([]);
  });

  it("a profile of the user's own outside the block that crossbar would shadow: exit 2, file unchanged", async () => {
    const mine = `${handWritten}\n\n[profile demo-prod-CrossbarReadOnly]\nregion = us-west-2\n`;
    reset(mine);
    const run = await crossbar(['aws-config', '--write']);
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(
      new RegExp(
        `^crossbar: ${configPath}:\\d+: profile 'demo-prod-CrossbarReadOnly' is already defined outside crossbar's managed block`,
      ),
    );
    expect(readFileSync(configPath, 'utf8')).toBe(mine);
    expect(backups()).toEqual([]);
  });
});
