import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { CROSSBAR, REPO, runProcess } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar shell` (issue 9 item 14): the person's own shell as a subshell with the account's credentials, a
 * prompt marker, and no nesting. Driven in a real process through a pipe (a script on stdin), and through a
 * pseudo-terminal for the interactive prompt.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

function shell(args: string[], lines: string[], extra: Record<string, string | undefined> = {}) {
  return runProcess([...CROSSBAR, 'shell', ...args], w.env({ NO_COLOR: '1', SHELL: '/bin/bash', ...extra }), {
    input: `${lines.join('\n')}\n`,
    cwd: w.dir,
  });
}

describe('crossbar shell', () => {
  it('runs $SHELL with the credentials: `cd /tmp && pwd` works, the AWS CLI is the account, exit codes come back', async () => {
    const out = await shell(
      ['development'],
      [
        'cd /tmp && pwd',
        'echo "key=${AWS_ACCESS_KEY_ID:0:4} account=$CROSSBAR_ACCOUNT shell=$CROSSBAR_SHELL"',
        'aws sts get-caller-identity --query Account --output text',
        'exit 3',
      ],
    );
    expect(out.stdout.split('\n')).toEqual([
      '/tmp',
      'key=ASIA account=development shell=development:CrossbarReadOnly dev',
      DEVELOPMENT,
      '',
    ]);
    expect(out.stderr).toContain('crossbar shell: development:CrossbarReadOnly dev (222222222222, credentials for');
    expect(out.code).toBe(3);
  }, 60_000);

  it('refuses to nest: crossbar shell inside crossbar shell is exit 2 and runs nothing', async () => {
    const out = await shell(
      ['staging'],
      [`${CROSSBAR.map((a) => `'${a}'`).join(' ')} shell production <<< 'echo inner-ran'`, 'echo "nested=$?"'],
    );
    expect(out.stdout).toBe('nested=2\n');
    expect(out.stderr).toContain(
      'crossbar: already inside crossbar shell for staging:CrossbarReadOnly staging: exit that shell first',
    );
    const exec = await shell(['development'], ['echo hi'], { CROSSBAR_ACCOUNT: 'production' });
    expect(exec.code).toBe(2);
    expect(exec.stdout).toBe('');
  }, 60_000);

  it('a stage names its account; a confirm: true role is refused on a pipe without --yes, and reached with it', async () => {
    const refused = await shell(['prod:admin', '--mfa-code', w.mfaCode()], ['echo ran']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('needs confirmation');
    expect(refused.stdout).toBe('');
    const allowed = await shell(
      ['prod:admin', '--yes', '--mfa-code', w.mfaCode()],
      ['aws sts get-caller-identity --query Arn --output text'],
    );
    expect(allowed.stdout).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice\n`);
  }, 60_000);

  it('no target without a terminal is a usage error', async () => {
    const out = await shell([], ['echo ran']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('shell needs a target');
  }, 60_000);

  it('on a terminal, the prompt carries the marker in front of the prompt of ~/.bashrc', async () => {
    const line = [...CROSSBAR, 'shell', 'production'].map((a) => `'${a}'`).join(' ');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qfec', line, '/dev/null'], {
        cwd: REPO,
        env: { ...w.env({ SHELL: '/bin/bash', TERM: 'xterm' }) } as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let text = '';
      let sent = false;
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString();
        if (!sent && text.includes('exit to leave')) {
          sent = true;
          setTimeout(() => child.stdin.write('echo "in=$CROSSBAR_ACCOUNT"\rexit\r'), 500);
        }
      });
      child.on('error', reject);
      child.on('close', () => resolve(text));
      setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
    });
    expect(output).toContain('\u001b[31m[production:CrossbarReadOnly prod]\u001b[0m');
    expect(output).toContain('in=production');
  }, 60_000);
});
