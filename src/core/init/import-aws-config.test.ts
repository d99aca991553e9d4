import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load-config.js';
import { buildRegistry } from '../config/registry.js';
import { CrossbarError } from '../errors.js';
import { importAwsConfig } from './import-aws-config.js';
import { renderInitConfig } from './render-init-config.js';

const fixture = (name: string) => readFileSync(new URL(`../../../test/init/fixtures/${name}`, import.meta.url), 'utf8');
const SEED_003_MFA = 'arn:aws:iam::323330167063:mfa/[email protected]';

/** Import, render, parse and resolve: what `crossbar init --from-aws-config` leaves behind. */
function roundTrip(text: string) {
  const imported = importAwsConfig(text, '/home/me/.aws/config');
  const yaml = renderInitConfig({
    ...imported.config,
    generatedBy: 'crossbar init --from-aws-config',
    generatedAt: new Date('2026-01-02T03:04:05Z'),
    notes: imported.notes,
  });
  const parsed = parseConfig(yaml, 'crossbar.yaml');
  expect(parsed.problems).toEqual([]);
  if (!parsed.config) throw new Error('no config');
  return { imported, yaml, registry: buildRegistry(parsed.config) };
}

describe('importAwsConfig: seed 003', () => {
  it('imports the single-account virtual root as one account entry per stage, all on the same id and role', () => {
    const { imported, registry, yaml } = roundTrip(fixture('seed-003-virtual-root.ini'));
    expect(imported.config.organization).toEqual({ name: 'cpco', namespace: 'cpco' });
    expect(imported.config.source).toEqual({ profile: 'cpco', mfa_serial: SEED_003_MFA });
    expect(imported.config.defaults).toEqual({ role: 'admin', regions: ['us-west-2'] });
    expect(imported.config.accounts).toEqual([
      {
        id: '323330167063',
        name: 'testing',
        stage: 'test',
        roles: { admin: { name: 'cpco-root-admin', mfa: 'required' } },
      },
      { id: '323330167063', name: 'root', roles: { admin: { name: 'cpco-root-admin', mfa: 'required' } } },
    ]);
    expect(imported.imported.map((p) => [p.profile, p.account, p.role])).toEqual([
      ['cpco-testing-admin', 'testing', 'admin'],
      ['cpco-root-admin', 'root', 'admin'],
    ]);
    expect(imported.skipped).toEqual([]);
    // The label pattern gives back the very profile names the file had, both on the same role.
    expect(registry.accounts.map((a) => a.roles.map((r) => [r.profileName, r.arn, r.mfa]))).toEqual([
      [['cpco-testing-admin', 'arn:aws:iam::323330167063:role/cpco-root-admin', 'required']],
      [['cpco-root-admin', 'arn:aws:iam::323330167063:role/cpco-root-admin', 'required']],
    ]);
    expect(yaml).toContain('  - id: "323330167063"\n    name: testing\n');
  });

  it('imports the organization variant: testing through OrganizationAccountAccessRole in its own account', () => {
    const { imported, registry } = roundTrip(fixture('seed-003-organization.ini'));
    expect(imported.config.accounts.map((a) => [a.id, a.name, a.roles])).toEqual([
      ['126450723953', 'testing', { admin: { name: 'OrganizationAccountAccessRole', mfa: 'required' } }],
      ['323330167063', 'root', { admin: { name: 'cpco-root-admin', mfa: 'required' } }],
    ]);
    expect(registry.accounts[0]?.defaultRole.arn).toBe('arn:aws:iam::126450723953:role/OrganizationAccountAccessRole');
  });
});

describe('importAwsConfig: seed 004', () => {
  it('names accounts from the labels, strips the shared user suffix, and lifts the source profile', () => {
    const { imported, registry } = roundTrip(fixture('seed-004.ini'));
    expect(imported.config.organization).toEqual({ name: 'demo', namespace: 'demo' });
    expect(imported.config.source).toEqual({ profile: 'demo-master-cobus', region: 'us-west-2' });
    expect(imported.config.defaults).toEqual({ role: 'admin', regions: ['us-west-2'] });
    expect(imported.config.accounts).toEqual([
      { id: '222222222222', name: 'development', stage: 'dev', roles: { admin: { name: 'administrator' } } },
      { id: '444444444444', name: 'production', stage: 'prod', roles: { admin: { name: 'administrator' } } },
    ]);
    expect(imported.skipped).toEqual([
      {
        profile: 'demo-master-cobus',
        line: 1,
        reason: 'the source identity of the role profiles: it became source.profile',
      },
    ]);
    expect(registry.accounts.map((a) => [a.name, a.color, a.defaultRole.profileName])).toEqual([
      ['development', 'green', 'demo-development-admin'],
      ['production', 'red', 'demo-production-admin'],
    ]);
  });
});

describe('importAwsConfig: seeds 003 and 004 in one file (issue 12)', () => {
  it("keeps each identity with its own MFA device: two sources, each account on its own, never one's MFA with the other's keys", () => {
    const { imported, registry } = roundTrip(fixture('seed-003-004-mixed.ini'));
    expect(imported.config.source).toEqual({
      profile: 'demo-master-cobus',
      mfa_serial: 'arn:aws:iam::111111111111:mfa/cobus',
      region: 'us-west-2',
    });
    expect(imported.config.sources).toEqual({ cpco: { profile: 'cpco', mfa_serial: SEED_003_MFA } });
    expect(imported.config.accounts.map((a) => [a.name, a.id, a.source, a.roles])).toEqual([
      ['development', '222222222222', undefined, { admin: { name: 'administrator', mfa: 'required' } }],
      ['production', '444444444444', undefined, { admin: { name: 'administrator', mfa: 'required' } }],
      ['testing', '323330167063', 'cpco', { admin: { name: 'cpco-root-admin', mfa: 'required' } }],
      ['root', '323330167063', 'cpco', { admin: { name: 'cpco-root-admin', mfa: 'required' } }],
    ]);
    expect(imported.notes).toEqual([]);
    expect(imported.skipped.map((s) => [s.profile, s.reason])).toEqual([
      ['demo-master-cobus', 'the source identity of the role profiles: it became source.profile'],
    ]);
    expect(registry.accounts.map((a) => [a.name, a.source])).toEqual([
      ['development', 'default'],
      ['production', 'default'],
      ['testing', 'cpco'],
      ['root', 'cpco'],
    ]);
    // Each account's source carries its own identity's device: cobus's for demo, cpco's for cpco.
    const serialOf = (source: string) =>
      source === 'default' ? registry.config.source.mfa_serial : registry.config.sources?.[source]?.mfa_serial;
    expect(registry.accounts.map((a) => [a.name, serialOf(a.source)])).toEqual([
      ['development', 'arn:aws:iam::111111111111:mfa/cobus'],
      ['production', 'arn:aws:iam::111111111111:mfa/cobus'],
      ['testing', SEED_003_MFA],
      ['root', SEED_003_MFA],
    ]);
  });

  it('one account reached from both identities stays two entries, each on its own source', () => {
    const text =
      fixture('seed-003-004-mixed.ini') +
      '\n[profile cpco-development-admin]\nrole_arn = arn:aws:iam::222222222222:role/administrator\nsource_profile = cpco\n';
    const { imported, registry } = roundTrip(text);
    expect(imported.config.accounts.filter((a) => a.id === '222222222222').map((a) => [a.name, a.source])).toEqual([
      ['development', undefined],
      ['development-222222222222', 'demo-master-cobus'],
    ]);
    // cpco now has the most role profiles: it is the default source, and cobus's identity a named one.
    expect(imported.config.source).toEqual({ profile: 'cpco', mfa_serial: SEED_003_MFA });
    expect(imported.config.sources).toEqual({
      'demo-master-cobus': {
        profile: 'demo-master-cobus',
        mfa_serial: 'arn:aws:iam::111111111111:mfa/cobus',
        region: 'us-west-2',
      },
    });
    expect(registry.accounts.filter((a) => a.id === '222222222222').map((a) => a.source)).toEqual([
      'default',
      'demo-master-cobus',
    ]);
  });
});

describe('importAwsConfig: SSO profiles (issue 12)', () => {
  it('become an SSO source with permission_set roles; a role profile chained from one is reached via it', () => {
    const text = `[sso-session acme]
sso_start_url = https://d-90679a1b2c.awsapps.com/start
sso_region = eu-west-1

[profile acme-dev-admin]
sso_session = acme
sso_account_id = 222222222222
sso_role_name = AdministratorAccess
region = eu-west-1

[profile acme-prod-read]
sso_session = acme
sso_account_id = 444444444444
sso_role_name = ReadOnly

[profile acme-prod-deploy]
role_arn = arn:aws:iam::444444444444:role/Deployer
source_profile = acme-prod-read

[profile legacy-audit-view]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 666666666666
sso_role_name = ViewOnly

[profile broken-sso]
sso_session = nowhere
sso_account_id = 777777777777
sso_role_name = X
`;
    const { imported, registry } = roundTrip(text);
    expect(imported.config.source).toEqual({
      sso: { start_url: 'https://d-90679a1b2c.awsapps.com/start', region: 'eu-west-1', session: 'acme' },
    });
    expect(imported.config.sources).toEqual({
      legacy: { sso: { start_url: 'https://legacy.awsapps.com/start', region: 'us-east-1', session: 'legacy' } },
    });
    expect(imported.config.accounts.map((a) => [a.name, a.source, a.roles])).toEqual([
      ['dev', undefined, { admin: { permission_set: 'AdministratorAccess' } }],
      ['prod', undefined, { read: { permission_set: 'ReadOnly' }, deploy: { name: 'Deployer', via: 'read' } }],
      ['legacy-audit', 'legacy', { view: { permission_set: 'ViewOnly' } }],
    ]);
    expect(imported.skipped.map((s) => [s.profile, s.reason])).toEqual([
      ['broken-sso', "an SSO profile whose sso_session 'nowhere' has no [sso-session nowhere] section"],
    ]);
    const prod = registry.accounts.find((a) => a.name === 'prod');
    expect(prod?.roles.map((r) => [r.key, r.permissionSet, r.via])).toEqual([
      ['read', 'ReadOnly', undefined],
      ['deploy', undefined, 'read'],
    ]);
  });
});

describe('importAwsConfig: a file full of comments and other profiles', () => {
  const text = fixture('busy-aws-config.ini');

  it('imports only the role profiles, with external id, duration, session name, chain and regions', () => {
    const { imported, registry } = roundTrip(text);
    expect(imported.config.organization).toEqual({ name: 'acme', namespace: 'acme' });
    expect(imported.config.source).toEqual({
      profile: 'acme-identity',
      mfa_serial: 'arn:aws:iam::111111111111:mfa/alice',
      region: 'eu-west-1',
      identity: 'alice',
    });
    expect(imported.config.defaults).toEqual({ role: 'readonly', regions: ['eu-west-1'] });
    expect(imported.config.accounts).toEqual([
      {
        id: '444444444444',
        name: 'prod',
        stage: 'prod',
        regions: ['eu-west-1', 'eu-central-1'],
        roles: {
          admin: { name: 'administrator', mfa: 'required', duration: 3600 },
          readonly: { name: 'CrossbarReadOnly' },
        },
      },
      {
        id: '555555555555',
        name: 'client',
        roles: { readonly: { name: 'CrossbarReadOnly', external_id: 'acme-crossbar-7f3a9c' } },
      },
      {
        id: '666666666666',
        name: 'audit',
        roles: { readonly: { arn: 'arn:aws:iam::666666666666:role/security/AuditReadOnly', via: 'prod:admin' } },
      },
      // The SSO profile is an SSO source's permission set, no longer skipped.
      {
        id: '999999999999',
        name: 'sso-dev',
        stage: 'dev',
        source: 'corp',
        roles: { developer: { permission_set: 'Developer' } },
      },
    ]);
    expect(imported.config.sources).toEqual({
      corp: { sso: { start_url: 'https://corp.awsapps.com/start', region: 'eu-west-1', session: 'corp' } },
    });
    expect(registry.accounts.find((a) => a.name === 'sso-dev')).toMatchObject({
      source: 'corp',
      defaultRole: { permissionSet: 'Developer', key: 'developer' },
    });
    const audit = registry.accounts.find((a) => a.name === 'audit');
    expect(audit?.defaultRole).toMatchObject({
      arn: 'arn:aws:iam::666666666666:role/security/AuditReadOnly',
      name: 'AuditReadOnly',
      via: 'prod:admin',
      profileName: 'acme-audit-readonly',
    });
    expect(registry.accounts.find((a) => a.name === 'client')?.defaultRole.externalId).toBe('acme-crossbar-7f3a9c');
  });

  it('reports every profile and section it did not import, with its line and why', () => {
    const { skipped } = importAwsConfig(text, '/home/me/.aws/config');
    expect(skipped).toEqual([
      {
        profile: 'default',
        line: 4,
        reason: 'not a role profile (no role_arn): a source of credentials, or other settings',
      },
      {
        profile: 'acme-identity',
        line: 9,
        reason: 'the source identity of the role profiles: it became source.profile',
      },
      { profile: 'local-s3', line: 25, reason: 'an [services local-s3] section, not a profile' },
      {
        profile: 'tooling',
        line: 30,
        reason: 'not a role profile (no role_arn): a source of credentials, or other settings',
      },
      { profile: 'broken-arn', line: 60, reason: "role_arn 'arn:aws:iam::12345:role/x' is not a valid ARN" },
    ]);
  });
});

describe('importAwsConfig: names and roles', () => {
  const role = (profile: string, arn: string, extra = '') =>
    `[profile ${profile}]\nrole_arn = ${arn}\nsource_profile = me\n${extra}\n`;

  it('keeps two accounts apart when their profiles give the same name to different ids', () => {
    const text =
      role('ops', 'arn:aws:iam::222222222222:role/admin') + role('ops-admin', 'arn:aws:iam::333333333333:role/admin');
    const { config } = importAwsConfig(text, 'config');
    expect(config.accounts.map((a) => [a.id, a.name])).toEqual([
      ['222222222222', 'ops'],
      ['333333333333', 'ops-333333333333'],
    ]);
  });

  it('gives one account two role keys when the labels are the same and the roles differ', () => {
    const text =
      role('shop-prod-deploy', 'arn:aws:iam::444444444444:role/deploy') +
      role('shop-prod-view', 'arn:aws:iam::444444444444:role/ReadOnly');
    const { config } = importAwsConfig(text, 'config');
    expect(config.accounts).toEqual([
      {
        id: '444444444444',
        name: 'prod',
        stage: 'prod',
        roles: { deploy: { name: 'deploy' }, view: { name: 'ReadOnly' } },
      },
    ]);
  });

  it('keeps a gov-cloud role as its ARN and a single profile name whole', () => {
    const { config } = importAwsConfig(role('govcloud', 'arn:aws-us-gov:iam::123456789012:role/Admin'), 'config');
    expect(config.accounts).toEqual([
      {
        id: '123456789012',
        name: 'govcloud',
        roles: { admin: { arn: 'arn:aws-us-gov:iam::123456789012:role/Admin' } },
      },
    ]);
  });

  it('skips a profile whose duration_seconds the schema would refuse, and a role_arn that is no role', () => {
    const text =
      role('a', 'arn:aws:iam::222222222222:role/x', 'duration_seconds = 60') +
      role('b', 'arn:aws:iam::222222222222:user/x');
    const { config, skipped } = importAwsConfig(text, 'config');
    expect(config.accounts).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([
      "duration_seconds '60' must be a whole number from 900 to 43200",
      "role_arn 'arn:aws:iam::222222222222:user/x' is not an IAM role ARN",
    ]);
  });

  it('notes what crossbar.yaml cannot say instead of dropping it in silence', () => {
    const text =
      role('x-dev-admin', 'arn:aws:iam::222222222222:role/admin', 'mfa_serial = GAHT12345678\nrole_session_name = a') +
      role('x-stage-admin', 'arn:aws:iam::333333333333:role/admin', 'role_session_name = b') +
      `[profile x-prod-admin]\nrole_arn = arn:aws:iam::444444444444:role/admin\nsource_profile = other\nrole_session_name = c\n`;
    const { notes, config } = importAwsConfig(text, 'config');
    expect(notes).toEqual([
      "mfa_serial 'GAHT12345678' is not an MFA device ARN: set source.mfa_serial by hand",
      "role_session_name differs between profiles: set source.identity by hand (crossbar puts the human's name in every session name)",
    ]);
    // Another source_profile is another identity: a source of its own, no longer dropped.
    expect(config.source).toEqual({ profile: 'me' });
    expect(config.sources).toEqual({ other: { profile: 'other', identity: 'c' } });
  });

  it('refuses a file it cannot parse with one error naming the file and lines', () => {
    const text =
      '[profile ok]\nrole_arn = arn:aws:iam::222222222222:role/x\nthis line has no equals sign\n[profile broken\n';
    let caught: unknown;
    try {
      importAwsConfig(text, '/home/me/.aws/config');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CrossbarError);
    expect((caught as CrossbarError).code).toBe('CONFIG_INVALID');
    expect((caught as CrossbarError).message.split('\n').map((l) => l.split(': ')[0])).toEqual([
      '/home/me/.aws/config:3',
      '/home/me/.aws/config:4',
    ]);
  });
});
