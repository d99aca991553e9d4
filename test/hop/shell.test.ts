import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT, PRODUCTION } from '../helpers/sandbox-clients.js';
import { CROSSBAR, runProcess } from '../helpers/crossbar-bin.js';
import { startWorld, type World } from '../helpers/world.js';

/** `crossbar shell` in a real process, driven through a pipe on stdin as a script would drive it. */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(() => w.stop());

function shell(args: string[], lines: string[], extra: Record<string, string | undefined> = {}) {
  return runProcess([...CROSSBAR, 'shell', ...args], w.env({ NO_COLOR: '1', SHELL: '/bin/sh', ...extra }), {
    input: `${lines.join('\n')}\n`,
    cwd: w.dir,
  });
}

describe('crossbar shell', () => {
  it('/switch-to-prod then the AWS CLI runs in production; /use switches again; commands see the exec variables', async () => {
    const out = await shell(
      [],
      [
        '/switch-to-prod',
        'aws sts get-caller-identity --query Account --output text',
        '/use development',
        'printf "%s %s %s\\n" "$CROSSBAR_ACCOUNT" "$CROSSBAR_ROLE" "${AWS_PROFILE-none}"',
        '/whoami',
        'cd /',
        'pwd',
        '/exit',
        'echo never',
      ],
      { AWS_PROFILE: 'alice' },
    );
    expect(out.stderr).not.toContain('crossbar:');
    expect(out.code).toBe(0);
    expect(out.stdout.split('\n')).toEqual([
      PRODUCTION,
      'development CrossbarReadOnly none',
      expect.stringMatching(
        new RegExp(
          `^arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/alice in development:CrossbarReadOnly \\(${DEVELOPMENT}, dev, (59m|1h 0m) left\\)$`,
        ),
      ) as unknown,
      '/',
      '',
    ]);
    expect(out.stderr).toMatch(/^→ production:CrossbarReadOnly \(444444444444, prod, (59m|1h 0m) left\)$/m);
    expect(out.stderr).toMatch(/^→ development:CrossbarReadOnly \(222222222222, dev, (59m|1h 0m) left\)$/m);
  }, 60_000);

  it('starts in the TARGET given; an unknown shortcut is reported and the session goes on; the last status is the exit code', async () => {
    const out = await shell(
      ['staging'],
      ['/switch-to-nowhere', 'printf "%s\\n" "$CROSSBAR_ACCOUNT"', 'sh -c "exit 3"'],
    );
    expect(out.stdout).toBe('staging\n');
    expect(out.stderr).toContain("crossbar: Unknown shortcut '/switch-to-nowhere'\nhint: See `crossbar shortcut list`");
    expect(out.code).toBe(3);
  }, 60_000);

  it('without an account, a command is refused with what to do', async () => {
    const out = await shell([], ['echo hi']);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(
      'crossbar: no account yet\nhint: switch with a shortcut such as /switch-to-dev, or /use NAME[:ROLE]',
    );
  }, 60_000);

  it('a confirm: true role is refused on a pipe without --yes, and reached with it', async () => {
    const refused = await shell(
      ['--mfa-code', w.mfaCode()],
      ['/use production:admin', 'printf "%s\\n" "${CROSSBAR_ROLE-none}"'],
    );
    expect(refused.stderr).toContain(
      "crossbar: production:admin needs confirmation (confirm: true) and there is no terminal to type 'production' on",
    );
    expect(refused.stdout).toBe('');
    const allowed = await shell(
      ['--yes', '--mfa-code', w.mfaCode()],
      ['/use production:admin', 'aws sts get-caller-identity --query Arn --output text'],
    );
    expect(allowed.stdout).toBe(`arn:aws:sts::${PRODUCTION}:assumed-role/administrator/alice\n`);
  }, 60_000);

  it('refuses to start inside crossbar exec', async () => {
    const out = await shell(['development'], ['echo hi'], { CROSSBAR_ACCOUNT: 'production' });
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe(
      'crossbar: already inside crossbar exec for production: exit that shell first',
    );
  }, 60_000);
});
