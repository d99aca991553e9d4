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
    ]);
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
      { profile: 'sso-dev', line: 14, reason: 'an SSO profile (no role_arn)' },
      { profile: 'corp', line: 20, reason: 'an [sso-session corp] section, not a profile' },
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
      `[profile x-prod-admin]\nrole_arn = arn:aws:iam::444444444444:role/admin\nsource_profile = other\nrole_session_name = b\n`;
    const { notes } = importAwsConfig(text, 'config');
    expect(notes).toEqual([
      "source_profile other is not carried over: crossbar uses one source, 'me'",
      "mfa_serial 'GAHT12345678' is not an MFA device ARN: set source.mfa_serial by hand",
      "role_session_name differs between profiles: set source.identity by hand (crossbar puts the human's name in every session name)",
    ]);
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
