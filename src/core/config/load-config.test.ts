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

describe('config errors that name the real problem (issue 9 item 16)', () => {
  const two = (second: string) =>
    `accounts:
  - { id: "222222222222", name: development, stage: dev }
${second}
`;

  it('two accounts with the same id are a problem naming both lines; the virtual root (one entry per stage) is not', () => {
    const r = parseConfig(two('  - { id: "222222222222", name: dev-copy, stage: dev }'), 'c.yaml');
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^c\.yaml:3:11 accounts\[1\]\.id: account id "222222222222" of 'dev-copy' is also the id of 'development' \(accounts\[0\]\).*; the other is at line 2$/,
      ),
    ]);
    expect(parseConfig(two('  - { id: "222222222222", name: root }'), 'c.yaml').problems).toEqual([]);
    expect(parseConfig(two('  - { id: "222222222222", name: testing, stage: testing }'), 'c.yaml').problems).toEqual(
      [],
    );
  });

  it('a workspace naming an unknown account is a problem; selectors, globs and known names are fine', () => {
    const text = (
      accounts: string,
    ) => `${two('  - { id: "444444444444", name: production, alias: prod, stage: prod }')}workspaces:
  - { name: w, accounts: [${accounts}] }
`;
    expect(
      parseConfig(text('development, prod, "!production", "stage!=prod", "dev*", all, "444444444444"'), 'c.yaml')
        .problems,
    ).toEqual([]);
    expect(parseConfig(text('develpment'), 'c.yaml').problems.map(formatProblem)).toEqual([
      expect.stringContaining("workspace 'w' names unknown account 'develpment' (did you mean 'development'?)"),
    ]);
    expect(parseConfig(text('"development,staging"'), 'c.yaml').problems.map((p) => p.message)).toEqual([
      expect.stringContaining("unknown account 'staging'"),
    ]);
  });

  it('a YAML alias bomb is a config problem at the first alias, not a crash', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    const r = parseConfig(bomb, 'c.yaml');
    expect(r.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^c\.yaml:2:8 \(root\): YAML: aliases \(\*name\) expand past 100 nodes/),
    ]);
    // A few aliases, as people use them, are fine.
    expect(
      parseConfig(
        'defaults: { regions: &r [us-east-1] }\naccounts:\n  - { id: "222222222222", name: a, regions: *r }\n',
        'c.yaml',
      ).problems,
    ).toEqual([]);
  });
});
