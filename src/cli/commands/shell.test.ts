import { describe, expect, it } from 'vitest';
import type { RegistryAccount, RegistryRole } from '../../core/config/index.js';
import { planSubshell, shellFamily } from '../subshell-plan.js';
import { markerLabel, timeLeft } from './shell.js';

const role: RegistryRole = {
  key: 'CrossbarReadOnly',
  name: 'CrossbarReadOnly',
  arn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly',
  mfa: 'none',
  confirm: false,
  profileName: 'p',
};
const account: RegistryAccount = {
  source: 'default',
  id: '444444444444',
  name: 'production',
  stage: 'prod',
  color: 'red',
  tags: {},
  regions: ['us-east-1'],
  roles: [role],
  defaultRole: role,
};

describe('crossbar shell: the marker and the subshell', () => {
  it('the marker says account:role and stage; time left in hours and minutes', () => {
    expect(markerLabel({ account, role })).toBe('production:CrossbarReadOnly prod');
    expect(timeLeft(3_900_000)).toBe('1h 5m');
    expect(timeLeft(42 * 60_000)).toBe('42m');
    expect(timeLeft(30_000)).toBe('<1m');
    expect(timeLeft(0)).toBe('expired');
  });

  it('knows the shell family by its name', () => {
    expect(['/bin/bash', '/usr/bin/zsh', '/opt/homebrew/bin/fish', '/bin/dash', 'sh'].map(shellFamily)).toEqual([
      'bash',
      'zsh',
      'fish',
      'sh',
      'sh',
    ]);
  });

  it("bash: an rc file that sources ~/.bashrc, then puts the marker in the stage's colour before PS1", () => {
    const plan = planSubshell('bash', { label: 'production:admin prod', color: 'red', colors: true }, '/tmp/x', {});
    expect(plan.args).toEqual(['--rcfile', '/tmp/x/bashrc']);
    expect(plan.files[0]?.text).toContain('[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"');
    expect(plan.files[0]?.text).toContain(`PS1='\\[\\e[31m\\][production:admin prod]\\[\\e[0m\\] '"\${PS1:-`);
    const plain = planSubshell('bash', { label: 'production:admin prod', color: 'red', colors: false }, '/tmp/x', {});
    expect(plain.files[0]?.text).toContain(`PS1='[production:admin prod] '`);
  });

  it('a stage cannot put shell or prompt code into the marker', () => {
    const plan = planSubshell('sh', { label: 'x $(rm -rf ~) `id` %F{red}', colors: false }, '/tmp/x', {});
    expect(plan.env['PS1']).toBe('[x rm -rf  id Fred] $ ');
  });

  it('zsh through a ZDOTDIR that sources the real one; fish through --init-command', () => {
    const zsh = planSubshell('zsh', { label: 'dev:ro dev', color: 'green', colors: true }, '/tmp/z', {
      HOME: '/home/u',
    });
    expect(zsh.env).toEqual({ ZDOTDIR: '/tmp/z' });
    expect(zsh.files.map((f) => f.name)).toEqual(['.zshenv', '.zshrc']);
    expect(zsh.files[1]?.text).toContain("ZDOTDIR='/home/u' . '/home/u/.zshrc'");
    const fish = planSubshell('fish', { label: 'dev:ro dev', color: 'green', colors: true }, '/tmp/f', {});
    expect(fish.args[0]).toBe('--init-command');
    expect(fish.args[1]).toContain("set_color green; echo -n '[dev:ro dev] '");
  });
});
