import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT, PRODUCTION, STAGING } from '../helpers/sandbox-clients.js';
import { CROSSBAR, REPO } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Issue 9 item 13: finding the account. Stages, aliases and unique prefixes name their account; the management
 * account answers to its name; the documented `ou=/Workloads/*` works; `tag:` is a syntax error; with no target
 * a terminal gets a picker (tested through a pseudo-terminal) and a pipe gets a usage error.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

async function execVars(target: string[]): Promise<{ code: number; vars: Record<string, string>; stderr: string }> {
  const out = await w.cli(['exec', ...target, '--', 'env', '-0']);
  const vars = Object.fromEntries(
    out.stdout
      .split('\0')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { code: out.code, vars, stderr: out.stderr };
}

describe('a target by stage, prefix or the management account', () => {
  it('`exec prod` runs in production, the only prod-stage account; `exec stag` by prefix in staging', async () => {
    const prod = await execVars(['prod']);
    expect(prod.stderr).toBe('');
    expect([prod.code, prod.vars['CROSSBAR_ACCOUNT'], prod.vars['CROSSBAR_ACCOUNT_ID']]).toEqual([
      0,
      'production',
      PRODUCTION,
    ]);
    const stag = await execVars(['stag']);
    expect([stag.code, stag.vars['CROSSBAR_ACCOUNT_ID']]).toEqual([0, STAGING]);
  });

  it('a stage of several accounts lists them and exits 2; nothing runs', async () => {
    const twoProd = w.variant('two-prod', (yaml) =>
      yaml.replace('stage: staging', 'stage: prod').replace('{namespace}-{stage}-{role}', '{namespace}-{name}-{role}'),
    );
    const out = await w.cli(['exec', 'prod', '--', 'sh', '-c', 'echo ran'], { CROSSBAR_CONFIG: twoProd });
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(
      "crossbar: 'prod' is the stage of 2 accounts: staging (333333333333, stage prod), production (444444444444, stage prod)",
    );
  });

  it('an unknown name says what a target can be and lists accounts and stages (exit 2)', async () => {
    const out = await w.cli(['exec', 'qa', '--', 'true']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("Unknown account 'qa'");
    expect(out.stderr).toContain('stages: dev, staging, prod, client');
  });

  it('the management account answers to its Organizations name: exec and whoami run there with the source identity', async () => {
    const out = await w.cli(['exec', 'management', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ Account: MANAGEMENT, Arn: `arn:aws:iam::${MANAGEMENT}:user/alice` });
    const who = await w.cli(['whoami', MANAGEMENT]);
    expect(who.code).toBe(0);
    expect(who.stdout).toContain(`arn:aws:iam::${MANAGEMENT}:user/alice`);
  });

  it('a name that is neither a registry account nor the source account is still unknown (exit 2)', async () => {
    const out = await w.cli(['exec', 'managementx', '--', 'true']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("Unknown account 'managementx'");
  });
});

describe('selectors of the documentation', () => {
  it("`accounts list 'ou=/Workloads/*'` (the --help example) lists the Workloads accounts", async () => {
    const out = await w.cli(['accounts', 'list', 'ou=/Workloads/*', '-o', 'json']);
    expect(out.code).toBe(0);
    expect((JSON.parse(out.stdout) as { name: string }[]).map((a) => a.name)).toEqual([
      'development',
      'staging',
      'production',
    ]);
    const none = await w.cli(['accounts', 'list', 'ou=/Nowhere/*']);
    expect(none.stderr).toContain("No account matches 'ou=/Nowhere/*'");
  });

  it('`tag:` with no key is a syntax error (exit 2), not "no account matches"', async () => {
    const out = await w.cli(['accounts', 'list', 'tag:']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("'tag:' is not a selector: tag: needs a key and a value");
    expect(out.stderr).not.toContain('No account matches');
    const fine = await w.cli(['accounts', 'list', 'tag:team=payments', '-o', 'json']);
    expect(fine.code).toBe(0);
  });
});

describe('no target', () => {
  it.each([
    [['exec', '--', 'true'], 'exec'],
    [['env'], 'env'],
    [['console', '--print'], 'console'],
  ])('%j without a terminal is a usage error (exit 2) naming what to pass', async (argv, name) => {
    const out = await w.cli(argv);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`crossbar: ${name} needs a target: NAME[:ROLE], an id, a stage or a shortcut`);
  });

  it('`exec -- CMD` with a target before -- still takes it as the target', async () => {
    const out = await execVars(['development']);
    expect(out.vars['CROSSBAR_ACCOUNT']).toBe('development');
  });

  /** crossbar in a pseudo-terminal (util-linux `script`), typing `keys` once the picker is drawn. */
  function inTerminal(argv: string[], keys: string, home: string): Promise<{ code: number | null; output: string }> {
    const line = [...CROSSBAR, ...argv].map((a) => `'${a}'`).join(' ');
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qfec', line, '/dev/null'], {
        cwd: REPO,
        env: { ...w.env({ CROSSBAR_HOME: home }), TERM: 'xterm', NO_COLOR: '1' } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let output = '';
      let typed = false;
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        if (!typed && output.includes('crossbar env')) {
          typed = true;
          child.stdin.write(keys);
        }
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, output }));
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    });
  }

  it('on a terminal, env without a target opens the picker: typing filters, Enter picks, and the pick comes first next time', async () => {
    const home = w.newHome();
    const first = await inTerminal(['env', '--shell', 'sh'], 'stag\r', home);
    expect(first.output).toContain("export CROSSBAR_ACCOUNT='staging'");
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'recent-targets.json'), 'utf8'))).toEqual(['staging']);
    // Enter with nothing typed picks the most recently used.
    const second = await inTerminal(['env', '--shell', 'sh'], '\r', home);
    expect(second.output).toContain("export CROSSBAR_ACCOUNT='staging'");
    // Escape leaves without a pick: nothing printed, exit 130.
    const left = await inTerminal(['env', '--shell', 'sh'], '\x1b', home);
    expect(left.output).not.toContain('export ');
    expect(left.output).toContain('no account picked');
    expect(left.code).toBe(130);
  }, 60_000);
});
