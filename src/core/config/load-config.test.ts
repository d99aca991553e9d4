import { describe, expect, it } from 'vitest';
import { formatProblem, parseConfig } from './load-config.js';
import { buildRegistry } from './registry.js';

const GOOD = `organization: { name: acme, namespace: acme }
source: { profile: acme-identity, mfa_serial: "arn:aws:iam::111111111111:mfa/alice" }
defaults:
  role: CrossbarReadOnly
  regions: [us-east-1, eu-west-1]
accounts:
  - { id: "222222222222", name: development, stage: dev }
  - { id: "333333333333", name: staging, stage: staging }
  - id: "444444444444"
    name: production
    stage: prod
    roles:
      admin: { name: administrator, mfa: required, confirm: true }
shortcuts:
  - { name: /switch-to-prod, account: production, role: CrossbarReadOnly, region: us-east-1 }
`;

describe('parseConfig', () => {
  it('accepts the DESIGN.md sketch and resolves the registry', () => {
    const r = parseConfig(GOOD, 'crossbar.yaml');
    expect(r.problems).toEqual([]);
    if (!r.config) throw new Error('no config');
    const reg = buildRegistry(r.config);
    expect(reg.accounts.map((a) => [a.name, a.color])).toEqual([
      ['development', 'green'],
      ['staging', 'yellow'],
      ['production', 'red'],
    ]);
    const prod = reg.accounts[2];
    expect(prod?.roles.map((x) => x.profileName)).toEqual([
      'acme-production-CrossbarReadOnly',
      'acme-production-admin',
    ]);
    expect(prod?.roles[1]).toMatchObject({
      arn: 'arn:aws:iam::444444444444:role/administrator',
      mfa: 'required',
      confirm: true,
    });
  });

  it('reports every problem at once as file:line:col path: message', () => {
    const bad = `defaults:
  regions: [us-east-1, mars-1]
accounts:
  - { id: 222222222222, name: development, stage: dev }
  - id: "444444444444"
    name: production
    colour: red
    roles:
      admin: { name: administrator, mfa: sometimes }
shortcuts:
  - { name: /switch-to-prod, account: production }
`;
    const r = parseConfig(bad, 'crossbar.yaml');
    expect(r.problems.map(formatProblem)).toEqual([
      'crossbar.yaml:2:24 defaults.regions[1]: must be a region name such as us-east-1',
      'crossbar.yaml:4:11 accounts[0].id: must be a 12-digit AWS account id in quotes, e.g. "222222222222"',
      "crossbar.yaml:5:5 accounts[1]: unknown key 'colour' (did you mean 'color'?)",
      'crossbar.yaml:9:42 accounts[1].roles.admin.mfa: Invalid option: expected one of "required"|"optional"|"none"',
    ]);
  });

  it('reports malformed YAML with its position', () => {
    const r = parseConfig('accounts:\n  - { id: "1", name: [unclosed\n', 'c.yaml');
    expect(r.problems[0]?.file).toBe('c.yaml');
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(2);
    expect(r.problems[0]?.message).toMatch(/^YAML: /);
  });

  it('refuses a shortcut to an unknown account', () => {
    const r = parseConfig(
      `accounts:\n  - { id: "222222222222", name: development }\nshortcuts:\n  - { name: /switch-to-prod, account: prod }\n`,
      'c.yaml',
    );
    expect(r.problems.map(formatProblem)).toEqual([
      "c.yaml:4:39 shortcuts[0].account: unknown account 'prod': use a name, id or alias from accounts",
    ]);
  });

  it('refuses a profile pattern that makes two profiles collide, and accepts one that does not', () => {
    const text = (pattern: string) =>
      `defaults: { profile_pattern: "${pattern}" }\naccounts:\n  - { id: "222222222222", name: development, stage: dev }\n  - { id: "333333333333", name: staging, stage: dev }\n`;
    const collide = parseConfig(text('{namespace}-{stage}-{role}'), 'c.yaml');
    if (!collide.config) throw new Error('should parse');
    expect(() => buildRegistry(collide.config)).toThrow(
      /gives two profiles the same name: 'crossbar-dev-CrossbarReadOnly'/,
    );
    const fine = parseConfig(text('{namespace}-{name}-{role}'), 'c.yaml');
    if (!fine.config) throw new Error('should parse');
    expect(buildRegistry(fine.config).accounts.map((a) => a.defaultRole.profileName)).toEqual([
      'crossbar-development-CrossbarReadOnly',
      'crossbar-staging-CrossbarReadOnly',
    ]);
  });

  it('supports the single-account virtual root: several stages on one account and role (seed 003)', () => {
    const r = parseConfig(
      `organization: { name: cpco, namespace: cpco }
defaults: { profile_pattern: "{namespace}-{name}-{role}" }
accounts:
  - { id: "323330167063", name: root, stage: root, roles: { admin: cpco-root-admin } }
  - { id: "323330167063", name: testing, stage: testing, roles: { admin: cpco-root-admin } }
`,
      'c.yaml',
    );
    if (!r.config) throw new Error(r.problems.map(formatProblem).join('\n'));
    const reg = buildRegistry(r.config);
    const admins = reg.accounts.map((a) => a.roles.find((x) => x.key === 'admin'));
    expect(admins.map((x) => x?.profileName)).toEqual(['cpco-root-admin', 'cpco-testing-admin']);
    expect(new Set(admins.map((x) => x?.arn))).toEqual(new Set(['arn:aws:iam::323330167063:role/cpco-root-admin']));
  });
});
