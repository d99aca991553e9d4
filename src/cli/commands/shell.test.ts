import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import type { RegistryAccount, RegistryRole } from '../../core/config/index.js';
import { RedactedAccountCredentials } from '../../core/credentials/index.js';
import { renderPrompt, timeLeft } from './shell.js';

const role: RegistryRole = {
  key: 'CrossbarReadOnly',
  name: 'CrossbarReadOnly',
  arn: 'arn:aws:iam::444444444444:role/CrossbarReadOnly',
  mfa: 'none',
  confirm: false,
  profileName: 'p',
};
const account: RegistryAccount = {
  id: '444444444444',
  name: 'production',
  stage: 'prod',
  color: 'red',
  tags: {},
  regions: ['us-east-1'],
  roles: [role],
  defaultRole: role,
};
const now = Date.parse('2030-01-01T00:00:00Z');
const credentials = new RedactedAccountCredentials(
  { accessKeyId: 'A', secretAccessKey: 'S', expiration: new Date(now + 42 * 60_000 + 30_000) },
  '444444444444',
);

describe('the shell prompt', () => {
  it('shows account:role and stage in the stage colour, and the minutes left', () => {
    const colors = pc.createColors(true);
    expect(renderPrompt(colors, { target: { account, role, region: 'us-east-1' }, credentials }, now)).toBe(
      `[${colors.red('production:CrossbarReadOnly prod')}, 42m left] $ `,
    );
    expect(renderPrompt(pc.createColors(false), {}, now)).toBe('[no account] $ ');
  });

  it('time left: hours and minutes, minutes, under a minute, expired', () => {
    expect(timeLeft(3_900_000)).toBe('1h 5m');
    expect(timeLeft(42 * 60_000)).toBe('42m');
    expect(timeLeft(30_000)).toBe('<1m');
    expect(timeLeft(0)).toBe('expired');
  });
});
