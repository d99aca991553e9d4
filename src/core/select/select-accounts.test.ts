import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { buildRegistry, type Registry } from '../config/registry.js';
import { resolveTarget, selectAccounts } from './select-accounts.js';

function registry(): Registry {
  const r = parseConfig(
    `accounts:
  - { id: "222222222222", name: development, stage: dev, ou: /Workloads, tags: { team: platform } }
  - { id: "333333333333", name: staging, stage: staging, ou: /Workloads, tags: { team: platform } }
  - { id: "444444444444", name: production, alias: prod, stage: prod, ou: /Workloads, tags: { team: payments }, roles: { admin: { name: administrator, mfa: required } } }
  - { id: "555555555555", name: client-acme, stage: client, ou: /Clients/Acme, external_id: acme-1 }
workspaces:
  - { name: platform, accounts: ["stage!=prod", "!client-*"] }
shortcuts:
  - { name: /switch-to-prod, account: production, region: eu-west-1 }
`,
    'c.yaml',
  );
  if (!r.config) throw new Error(JSON.stringify(r.problems));
  return buildRegistry(r.config);
}

const names = (sel: string | undefined) => selectAccounts(registry(), sel).map((a) => a.name);

describe('selectAccounts', () => {
  it.each([
    [undefined, ['development', 'staging', 'production', 'client-acme']],
    ['all', ['development', 'staging', 'production', 'client-acme']],
    ['production', ['production']],
    ['444444444444', ['production']],
    ['prod', ['production']],
    ['dev*,staging', ['development', 'staging']],
    ['stage=prod', ['production']],
    ['stage!=prod', ['development', 'staging', 'client-acme']],
    ['ou=/Workloads', ['development', 'staging', 'production']],
    ['ou=/Clients/*', ['client-acme']],
    ['ou=/Clients', ['client-acme']],
    ['tag:team=payments', ['production']],
    ['tag:team=plat*', ['development', 'staging']],
    ['workspace=platform', ['development', 'staging']],
    ['all,!production', ['development', 'staging', 'client-acme']],
    ['!stage=prod', ['development', 'staging', 'client-acme']],
  ])('%s selects %j', (sel, expected) => {
    expect(names(sel)).toEqual(expected);
  });

  it('a selector that matches nothing is an error with a suggestion', () => {
    expect(() => names('prodution')).toThrow(/No account matches 'prodution'/);
    try {
      names('prodution');
    } catch (err) {
      expect((err as { hint?: string }).hint).toContain("Did you mean 'production'?");
    }
  });

  it.each(['', ' ', ',', ' , ,'])('an empty selector %j is a usage error, not every account', (sel) => {
    expect(() => names(sel)).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('is empty') }),
    );
  });

  it('an unknown workspace is an error', () => {
    expect(() => names('workspace=nope')).toThrow(/Unknown workspace 'nope'/);
  });
});

describe('resolveTarget', () => {
  it('resolves NAME, NAME:ROLE, ids, aliases and shortcuts', () => {
    const reg = registry();
    expect(resolveTarget(reg, 'development').role.arn).toBe('arn:aws:iam::222222222222:role/CrossbarReadOnly');
    expect(resolveTarget(reg, 'prod:admin').role).toMatchObject({ name: 'administrator', mfa: 'required' });
    expect(resolveTarget(reg, '555555555555').role.externalId).toBe('acme-1');
    const sc = resolveTarget(reg, '/switch-to-prod');
    expect([sc.account.name, sc.region, sc.shortcut]).toEqual(['production', 'eu-west-1', '/switch-to-prod']);
  });

  it('names the unknown account, role or shortcut', () => {
    const reg = registry();
    expect(() => resolveTarget(reg, 'prodd')).toThrow("Unknown account 'prodd'");
    expect(() => resolveTarget(reg, 'production:root')).toThrow("Account 'production' has no role 'root'");
    expect(() => resolveTarget(reg, '/switch-to-mars')).toThrow("Unknown shortcut '/switch-to-mars'");
  });
});

describe('selectors: the documented patterns and their typos', () => {
  it("ou=/Workloads/* (the --help example) selects the Workloads OU's accounts; a path that is not there selects none", () => {
    expect(names('ou=/Workloads/*')).toEqual(['development', 'staging', 'production']);
    expect(() => names('ou=/Workload/*')).toThrow(/No account matches/);
  });

  it.each(['tag:', 'tag:team', '!tag:', 'stage=', 'ou=', 'workspace=', 'development,tag:'])(
    '%j is a syntax error (USAGE), not "no account matches"',
    (sel) => {
      expect(() => names(sel)).toThrow(
        expect.objectContaining({ code: 'USAGE', message: expect.stringMatching(/is not a selector/) }),
      );
    },
  );

  it('tag:KEY= and names that merely start with a key word are still selectors', () => {
    expect(names('tag:team=*')).toEqual(['development', 'staging', 'production']);
    expect(() => names('stagehand')).toThrow(/No account matches 'stagehand'/);
  });
});

describe('resolveTarget: stages, aliases and prefixes', () => {
  function twoProd(): Registry {
    const r = parseConfig(
      `accounts:
  - { id: "222222222222", name: development, stage: dev }
  - { id: "444444444444", name: prod-eu, stage: prod }
  - { id: "666666666666", name: prod-us, stage: prod }
  - { id: "777777777777", name: sandbox-one, stage: sandbox }
`,
      'c.yaml',
    );
    if (!r.config) throw new Error(JSON.stringify(r.problems));
    return buildRegistry(r.config);
  }

  it('a stage names the one account of that stage; a unique prefix names its account', () => {
    const reg = registry();
    expect(resolveTarget(reg, 'dev').account.name).toBe('development');
    expect(resolveTarget(reg, 'client').account.name).toBe('client-acme');
    expect(resolveTarget(reg, 'stag').account.name).toBe('staging');
    expect(resolveTarget(reg, 'PRODUCTION').account.name).toBe('production');
    expect(resolveTarget(reg, 'dev:CrossbarReadOnly').role.arn).toBe('arn:aws:iam::222222222222:role/CrossbarReadOnly');
    expect(resolveTarget(twoProd(), 'sand').account.name).toBe('sandbox-one');
  });

  it('a stage or prefix that names several accounts lists the candidates (USAGE: exit 2), never a guess', () => {
    expect(() => resolveTarget(twoProd(), 'prod')).toThrow(
      expect.objectContaining({
        code: 'USAGE',
        message:
          "'prod' is the stage of 2 accounts: prod-eu (444444444444, stage prod), prod-us (666666666666, stage prod)",
      }),
    );
    expect(() => resolveTarget(twoProd(), 'prod-')).toThrow(
      /'prod-' starts the name of 2 accounts: prod-eu .*, prod-us/,
    );
  });

  it('an unknown account names what a target can be and lists the accounts and stages', () => {
    try {
      resolveTarget(twoProd(), 'qa');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'UNKNOWN_ACCOUNT', message: expect.stringContaining("Unknown account 'qa'") });
      expect((err as { hint: string }).hint).toContain(
        'Accounts: development, prod-eu, prod-us, sandbox-one; stages: dev, prod, sandbox',
      );
    }
  });

  it('an extra account (the source account) answers to its names, after every registry account', () => {
    const reg = twoProd();
    const management = { ...reg.accounts[0]!, id: '111111111111', name: 'management' };
    const extra = [{ account: management, names: ['management', '111111111111'] }];
    expect(resolveTarget(reg, 'management', { extra }).account.id).toBe('111111111111');
    expect(resolveTarget(reg, '111111111111', { extra }).account.id).toBe('111111111111');
    expect(resolveTarget(reg, 'manag', { extra }).account.id).toBe('111111111111');
    expect(() => resolveTarget(reg, 'management')).toThrow(/Unknown account 'management'/);
  });
});
