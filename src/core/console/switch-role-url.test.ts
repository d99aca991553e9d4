import { describe, expect, it } from 'vitest';
import { switchRoleUrl, switchRoleUrlFor } from './switch-role-url.js';
import { colorHex, consoleColorHex } from './colors.js';
import { DEMO_YAML, registryFrom } from '../../../test/aws-config/registry-fixture.js';

describe('switchRoleUrl', () => {
  it("builds seed 004's link with account, role, display name and the console colour", () => {
    expect(
      switchRoleUrl({ accountId: '444444444444', roleName: 'administrator', displayName: 'Production', color: 'red' }),
    ).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=administrator&account=444444444444&displayName=Production&color=f2b0a9',
    );
  });

  it('keeps a role path, encodes the display name, and uses the partition host', () => {
    const url = new URL(
      switchRoleUrl({
        accountId: '222222222222',
        roleName: 'team/dev ops',
        displayName: 'Dev & Test',
        color: 'green',
        partition: 'aws-us-gov',
      }),
    );
    expect(url.origin).toBe('https://signin.amazonaws-us-gov.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      roleName: 'team/dev ops',
      account: '222222222222',
      displayName: 'Dev & Test',
      color: 'b7ca9d',
    });
  });

  it('leaves the colour out where the console palette has nothing close', () => {
    expect(switchRoleUrl({ accountId: '222222222222', roleName: 'r', color: 'gray' })).not.toContain('color=');
  });

  it('links a registry target: the account name, plus the role key when it is not the default role', () => {
    const registry = registryFrom(DEMO_YAML);
    const production = registry.accounts.find((a) => a.name === 'production');
    const admin = production?.roles.find((r) => r.key === 'admin');
    if (!production || !admin) throw new Error('fixture');
    expect(switchRoleUrlFor(production, production.defaultRole)).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=CrossbarReadOnly&account=444444444444&displayName=production&color=f2b0a9',
    );
    expect(switchRoleUrlFor(production, admin)).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=administrator&account=444444444444&displayName=production%3Aadmin&color=f2b0a9',
    );
  });
});

describe('colours', () => {
  it('maps stage colours to the console palette: green, yellow, red', () => {
    expect(['green', 'yellow', 'red'].map(consoleColorHex)).toEqual(['b7ca9d', 'efda95', 'f2b0a9']);
  });

  it('passes custom hex through without # and knows more names for the extension', () => {
    expect(colorHex('#FF9900')).toBe('ff9900');
    expect(consoleColorHex('#ff9900')).toBe('ff9900');
    expect(colorHex('purple')).toBe('c9b3e6');
    expect(consoleColorHex('purple')).toBe('83d4e8');
    expect(colorHex('chartreuse')).toBeUndefined();
  });
});
