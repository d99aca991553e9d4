import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { buildRegistry, type Registry } from '../config/registry.js';
import { isCrossbarError } from '../errors.js';
import {
  checkLimits,
  checkWorkspaceReach,
  reachedAccounts,
  shortcutProblems,
  shortcutTarget,
  usableRoles,
} from './workspace-reach.js';

function registry(): Registry {
  const r = parseConfig(
    `defaults: { role: CrossbarReadOnly }
accounts:
  - { id: "222222222222", name: development, stage: dev, roles: { admin: { name: administrator } } }
  - { id: "333333333333", name: staging, stage: staging, alias: stg, roles: { admin: { name: administrator } } }
  - { id: "444444444444", name: production, stage: prod, roles: { admin: { name: administrator, confirm: true } } }
`,
    'c.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.problems));
  return buildRegistry(r.config);
}

const reg = registry();
const account = (name: string) => reg.accounts.find((a) => a.name === name) ?? reg.accounts[0]!;
const keys = (roles: { key: string }[]) => roles.map((r) => r.key).sort();

function message(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    if (isCrossbarError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'no error';
}

describe('reachedAccounts', () => {
  it('is the union of the selectors, in registry order, each account once', () => {
    expect(reachedAccounts(reg, ['staging', 'stage=dev', 'development']).map((a) => a.name)).toEqual([
      'development',
      'staging',
    ]);
    expect(reachedAccounts(reg, ['stage!=prod']).map((a) => a.name)).toEqual(['development', 'staging']);
  });

  it('reaches nothing through a selector that matches nothing or is not one (no throw)', () => {
    expect(reachedAccounts(reg, ['gone', 'tag:'])).toEqual([]);
  });
});

describe('usableRoles: workspace roles ∩ the account roles ∩ the member limits', () => {
  it('without workspace roles or limits: every role of the account', () => {
    expect(keys(usableRoles(reg, account('development'), [], []))).toEqual(['CrossbarReadOnly', 'admin']);
  });

  it('the workspace roles narrow it (by key or by IAM name)', () => {
    expect(keys(usableRoles(reg, account('development'), ['CrossbarReadOnly'], []))).toEqual(['CrossbarReadOnly']);
    expect(keys(usableRoles(reg, account('development'), ['administrator'], []))).toEqual(['admin']);
  });

  it('limits: read-only everywhere, admin only in dev', () => {
    const limits = [
      { accounts: 'all', roles: ['CrossbarReadOnly'] },
      { accounts: 'stage=dev', roles: ['admin'] },
    ];
    expect(keys(usableRoles(reg, account('development'), [], limits))).toEqual(['CrossbarReadOnly', 'admin']);
    expect(keys(usableRoles(reg, account('staging'), [], limits))).toEqual(['CrossbarReadOnly']);
    expect(keys(usableRoles(reg, account('staging'), ['admin'], limits))).toEqual([]);
  });

  it('a limit with * allows every workspace role in its accounts only', () => {
    const limits = [{ accounts: 'staging', roles: ['*'] }];
    expect(keys(usableRoles(reg, account('staging'), [], limits))).toEqual(['CrossbarReadOnly', 'admin']);
    expect(keys(usableRoles(reg, account('development'), [], limits))).toEqual([]);
  });
});

describe('checkWorkspaceReach', () => {
  it('accepts selectors that pick accounts and roles one of them defines', () => {
    expect(message(() => checkWorkspaceReach(reg, ['stage!=prod'], ['admin', 'CrossbarReadOnly']))).toBe('no error');
  });

  it('names every selector that picks nothing and every unknown role, at once', () => {
    const text = message(() => checkWorkspaceReach(reg, ['developmnt', 'stage=dev'], ['root', 'admin', 'power']));
    expect(text).toMatch(/^INVALID: /);
    expect(text).toContain("accounts 'developmnt' matches no account");
    expect(text).toContain("roles 'root', 'power' not defined in any of its accounts");
  });
});

describe('checkLimits', () => {
  const reached = reachedAccounts(reg, ['stage!=prod']);
  it('accepts limits within the workspace', () => {
    expect(message(() => checkLimits(reg, reached, [], [{ accounts: 'stage=dev', roles: ['admin'] }]))).toBe(
      'no error',
    );
  });

  it('refuses a limit outside the workspace, or with a role the workspace does not offer there', () => {
    expect(message(() => checkLimits(reg, reached, [], [{ accounts: 'production', roles: ['*'] }]))).toContain(
      "accounts 'production' picks no account of the workspace",
    );
    expect(
      message(() => checkLimits(reg, reached, ['CrossbarReadOnly'], [{ accounts: 'all', roles: ['admin'] }])),
    ).toContain("role 'admin' is not a role of the workspace in 'all'");
  });
});

describe('shortcutTarget', () => {
  const platform = { accounts: ['stage!=prod'], roles: ['CrossbarReadOnly'] };
  it('finds the account by name, id or alias and the role by key or name', () => {
    const hit = shortcutTarget(reg, platform, 'stg', 'CrossbarReadOnly');
    expect('problem' in hit ? hit.problem : `${hit.account.name}:${hit.role.key}`).toBe('staging:CrossbarReadOnly');
  });

  it('names an account outside the workspace and a role it does not offer', () => {
    expect(shortcutTarget(reg, platform, 'production', 'CrossbarReadOnly')).toEqual({
      problem: "account 'production' is not an account of the workspace (its accounts: development, staging)",
    });
    expect(shortcutTarget(reg, platform, 'development', 'admin')).toEqual({
      problem: "role 'admin' is not a role of the workspace in development (its roles there: CrossbarReadOnly)",
    });
  });

  it('shortcutProblems lists the shortcuts a narrower workspace would break', () => {
    const shortcuts = [
      { name: '/dev', account: 'development', role: 'admin' },
      { name: '/stg', account: 'staging', role: 'CrossbarReadOnly' },
    ];
    expect(shortcutProblems(reg, { accounts: ['stage!=prod'], roles: [] }, shortcuts)).toEqual([]);
    expect(shortcutProblems(reg, { accounts: ['staging'], roles: [] }, shortcuts)).toEqual([
      "/dev: account 'development' is not an account of the workspace (its accounts: staging)",
    ]);
  });
});
