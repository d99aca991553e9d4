import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from './load-config.js';
import { buildRegistry, defaultSourceName, findSource, registrySources, type Registry } from './registry.js';

function registry(text: string): Registry {
  const r = parseConfig(text, 'c.yaml');
  if (!r.config) throw new Error(r.problems.map(formatProblem).join('\n'));
  return buildRegistry(r.config);
}

function problems(text: string): string[] {
  return parseConfig(text, 'c.yaml').problems.map(formatProblem);
}

const SSO = 'sso: { start_url: "https://d-90679a1b2c.awsapps.com/start", region: eu-west-1 }';

describe('sources: in crossbar.yaml', () => {
  it('a config without sources keeps its one source, `default`, for every account, as before', () => {
    const reg = registry(`source: { profile: acme-identity, region: eu-west-1 }
accounts:
  - { id: "222222222222", name: development }
`);
    expect(reg.accounts.map((a) => a.source)).toEqual(['default']);
    expect(defaultSourceName(reg)).toBe('default');
    expect(reg.sourceRegion).toBe('eu-west-1');
    expect(registrySources(reg)).toEqual([
      { name: 'default', kind: 'iam', region: 'eu-west-1', profile: 'acme-identity' },
    ]);
  });

  it('the SSO.md sketch: accounts by their own source, by a selector, else by defaults.source', () => {
    const reg = registry(`source: { profile: acme-identity }
sources:
  acme-sso:
    sso: { start_url: "https://d-90679a1b2c.awsapps.com/start", region: eu-west-1, account: "111111111111", role: AdministratorAccess }
    accounts: "ou=/Acme"
  own-iam: { profile: own, mfa_serial: "arn:aws:iam::222222222222:mfa/cobus" }
defaults: { source: own-iam }
accounts:
  - { id: "111111111111", name: hub, ou: /Acme }
  - id: "333333333333"
    name: acme-prod
    ou: /Acme
    roles:
      admin: { permission_set: AdministratorAccess }
      deploy: { name: Deployer, via: admin }
  - { id: "444444444444", name: own, source: default }
  - { id: "555555555555", name: elsewhere }
`);
    expect(reg.accounts.map((a) => [a.name, a.source])).toEqual([
      ['hub', 'acme-sso'],
      ['acme-prod', 'acme-sso'],
      ['own', 'default'],
      ['elsewhere', 'own-iam'],
    ]);
    const prod = reg.accounts[1];
    expect(prod?.roles.find((r) => r.key === 'admin')).toMatchObject({
      permissionSet: 'AdministratorAccess',
      name: 'AdministratorAccess',
      arn: 'arn:aws:iam::333333333333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess',
    });
    expect(prod?.roles.find((r) => r.key === 'deploy')).toMatchObject({ via: 'admin' });
    expect(prod?.roles.find((r) => r.key === 'deploy')?.permissionSet).toBeUndefined();
    expect(findSource(reg, 'acme-sso')).toEqual({
      name: 'acme-sso',
      kind: 'sso',
      region: 'eu-west-1',
      accounts: 'ou=/Acme',
      sso: {
        startUrl: 'https://d-90679a1b2c.awsapps.com/start',
        region: 'eu-west-1',
        session: 'acme-sso',
        account: '111111111111',
        role: 'AdministratorAccess',
      },
    });
    expect(findSource(reg, 'own-iam')).toMatchObject({ kind: 'iam', mfaSerial: 'arn:aws:iam::222222222222:mfa/cobus' });
    expect(defaultSourceName(reg)).toBe('own-iam');
  });

  it('a lone named source is the default; `source: { sso }` is valid; an SSO account without a hub implies no role', () => {
    const lone = registry(`sources:
  client-x: { profile: client-x }
accounts:
  - { id: "222222222222", name: development }
`);
    expect(lone.accounts.map((a) => a.source)).toEqual(['client-x']);
    const sso = registry(`source: { ${SSO} }
accounts:
  - { id: "222222222222", name: development, roles: { admin: { permission_set: AdministratorAccess }, read: { permission_set: ReadOnly } } }
`);
    const dev = sso.accounts[0];
    expect(dev?.roles.map((r) => r.key)).toEqual(['admin', 'read']);
    expect(dev?.defaultRole.key).toBe('admin');
    expect(findSource(sso, 'default')).toMatchObject({ kind: 'sso', region: 'eu-west-1' });
  });

  it('reports every source problem at once, with file:line:col', () => {
    expect(
      problems(`source: { profile: mine }
sources:
  acme-sso:
    ${SSO}
    accounts: "ou=/Acmee"
  own-iam: { profile: own }
accounts:
  - { id: "222222222222", name: development, source: own-ima }
  - id: "333333333333"
    name: acme-prod
    source: acme-sso
    roles:
      deploy: { name: Deployer }
      admin: { permission_set: AdministratorAccess }
  - { id: "444444444444", name: iam-only, roles: { admin: { permission_set: AdministratorAccess } } }
`),
    ).toEqual([
      "c.yaml:5:15 sources.acme-sso.accounts: source 'acme-sso' selects 'ou=/Acmee', which matches no account: fix the selector or remove it",
      "c.yaml:8:54 accounts[0].source: unknown source 'own-ima' (did you mean 'own-iam'?): the sources are default, acme-sso, own-iam",
      "c.yaml:13:15 accounts[1].roles.deploy: role 'deploy' of account 'acme-prod' has neither permission_set nor via, and sso source 'acme-sso' has no hub to assume it from: add `via: ROLE` (a permission_set role), or the hub (sources.acme-sso.sso.account and .role)",
      "c.yaml:15:77 accounts[2].roles.admin.permission_set: role 'admin' is a permission set, but account 'iam-only' is reached from source 'default', which is not an sso source: give the account an sso source (`source:`)",
    ]);
  });

  it('several sources, none the default: an account left without one is a problem; two selectors on one account too', () => {
    expect(
      problems(`sources:
  a: { profile: a, accounts: "stage=prod" }
  b: { profile: b, accounts: "prod*" }
accounts:
  - { id: "222222222222", name: development }
  - { id: "444444444444", name: production, stage: prod }
`),
    ).toEqual([
      "c.yaml:5:5 accounts[0]: account 'development' has no source: there are several (a, b) and none is the default; give it `source:`, select it in a source's `accounts:`, or set defaults.source",
      "c.yaml:6:5 accounts[1]: account 'production' is selected by sources 'a' and 'b': give it `source:` to say which",
    ]);
  });

  it('refuses keys that make no sense together, naming them', () => {
    expect(
      problems(`sources:
  x:
    profile: p
    sso: { start_url: "https://d-1.awsapps.com/start", region: eu-west-1, account: "111111111111" }
  default: { profile: q }
defaults: { source: y }
accounts:
  - id: "222222222222"
    name: development
    source: x
    roles:
      admin: { permission_set: Admin, name: Admin, via: other }
`),
    ).toEqual([
      'c.yaml:3:14 sources.x.profile: an sso source signs in through IAM Identity Center and takes no profile: make the keys a source of their own under sources:',
      'c.yaml:4:10 sources.x.sso.role: the hub needs both account and role (the permission set), or neither',
      'c.yaml:12:45 accounts[0].roles.admin.name: a permission_set role takes no name: IAM Identity Center gives its credentials directly',
      'c.yaml:12:57 accounts[0].roles.admin.via: a permission_set role takes no via: IAM Identity Center gives its credentials directly (chain other roles via this one instead)',
    ]);
    expect(
      problems(`sources:
  default: { profile: q }
defaults: { source: y }
accounts:
  - { id: "222222222222", name: development }
`),
    ).toEqual([
      "c.yaml:2:12 sources.default: 'default' is the name of the unnamed source: (write it there, or pick another name)",
      "c.yaml:3:21 defaults.source: unknown source 'y': the sources are default",
    ]);
  });

  it('suggests the key meant inside sso:', () => {
    expect(
      problems(`source: { sso: { start_url: "https://d-1.awsapps.com/start", region: eu-west-1, sesion: x } }\n`),
    ).toEqual(["c.yaml:1:16 source.sso: unknown key 'sesion' (did you mean 'session'?)"]);
  });

  it('an unknown source name is UNKNOWN_SOURCE listing the defined ones', () => {
    const reg = registry(`sources:\n  a: { profile: a }\n  b: { profile: b }\ndefaults: { source: a }\n`);
    expect(() => findSource(reg, 'c')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SOURCE', message: "Unknown source 'c': the sources are default, a, b" }),
    );
  });
});
