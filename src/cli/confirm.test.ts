import { describe, expect, it } from 'vitest';
import type { RegistryAccount, RegistryRole } from '../core/config/index.js';
import { confirmTarget } from './confirm.js';
import type { CliIo } from './context.js';

const role = (confirm: boolean): RegistryRole => ({
  key: 'admin',
  name: 'administrator',
  arn: 'arn:aws:iam::444444444444:role/administrator',
  mfa: 'required',
  confirm,
  profileName: 'p',
});
const account: RegistryAccount = {
  source: 'default',
  id: '444444444444',
  name: 'production',
  stage: 'prod',
  color: 'red',
  tags: {},
  regions: ['us-east-1'],
  roles: [],
  defaultRole: role(false),
};
const io: CliIo = {
  stdout: { write: () => true },
  stderr: { write: () => true, isTTY: false },
  env: { CROSSBAR_NO_TTY: '1' },
  cwd: '/',
};

describe('confirmTarget', () => {
  it('does nothing for a role without confirm, or with --yes', async () => {
    await expect(confirmTarget({ account, role: role(false) }, io)).resolves.toBeUndefined();
    await expect(confirmTarget({ account, role: role(true) }, io, { yes: true })).resolves.toBeUndefined();
  });

  it('asks for the account name and goes ahead only when it matches', async () => {
    const questions: string[] = [];
    const ask = (answer: string) => (q: string) => {
      questions.push(q);
      return Promise.resolve(answer);
    };
    await expect(confirmTarget({ account, role: role(true) }, io, { ask: ask('production') })).resolves.toBeUndefined();
    expect(questions[0]).toBe(
      'production (444444444444, stage prod) as admin needs confirmation. Type the account name to continue: ',
    );
    await expect(confirmTarget({ account, role: role(true) }, io, { ask: ask('prod') })).rejects.toMatchObject({
      code: 'USAGE',
      message: "'prod' is not 'production': nothing was run",
    });
  });

  it('without a terminal it refuses, naming the account and --yes', async () => {
    await expect(confirmTarget({ account, role: role(true) }, io)).rejects.toMatchObject({
      code: 'USAGE',
      message: "production:admin needs confirmation (confirm: true) and there is no terminal to type 'production' on",
      hint: 'run `crossbar unlock production:admin` on a terminal first (it lasts an hour)',
    });
  });
});
