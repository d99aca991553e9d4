import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from './config/load-config.js';
import { buildRegistry } from './config/registry.js';
import { renderAwsConfig, renderAwsCredentials, renderCrossbarYaml, type SandboxConfigInfo } from './sandbox-config.js';

const info: SandboxConfigInfo = {
  endpoint: 'http://127.0.0.1:4566',
  organization: { name: 'demo', namespace: 'demo' },
  sourceUser: 'alice',
  users: [
    {
      userName: 'alice',
      accountId: '111111111111',
      arn: 'arn:aws:iam::111111111111:user/alice',
      accessKeyId: 'AKIAALICE',
      secretAccessKey: 'alice-secret',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
    },
    {
      userName: 'bob',
      accountId: '111111111111',
      arn: 'arn:aws:iam::111111111111:user/bob',
      accessKeyId: 'AKIABOB',
      secretAccessKey: 'bob-secret',
    },
  ],
  accounts: [
    {
      id: '222222222222',
      name: 'development',
      stage: 'dev',
      color: 'green',
      ou: '/Workloads',
      tags: { stage: 'dev', color: 'green', team: 'platform' },
    },
    {
      id: '333333333333',
      name: 'staging',
      stage: 'staging',
      color: 'yellow',
      ou: '/Workloads',
      tags: { team: 'platform' },
    },
    {
      id: '444444444444',
      name: 'production',
      stage: 'prod',
      color: 'red',
      ou: '/Workloads',
      tags: { team: 'payments' },
    },
    {
      id: '555555555555',
      name: 'client-acme',
      stage: 'client',
      color: 'blue',
      ou: '/Clients',
      tags: { client: 'acme' },
      externalId: 'acme-crossbar-7f3a9c',
    },
  ],
  region: 'us-east-1',
  regions: ['us-east-1', 'eu-west-1'],
};

describe('renderCrossbarYaml', () => {
  const text = renderCrossbarYaml(info);
  const doc = parse(text) as Record<string, unknown>;

  it('follows the DESIGN.md sketch: organization, source with MFA, defaults, endpoint', () => {
    expect(doc.organization).toEqual({ name: 'demo', namespace: 'demo' });
    expect(doc.source).toEqual({ profile: 'alice', mfa_serial: 'arn:aws:iam::111111111111:mfa/alice' });
    expect(doc.defaults).toEqual({
      role: 'CrossbarReadOnly',
      regions: ['us-east-1', 'eu-west-1'],
      profile_pattern: '{namespace}-{stage}-{role}',
    });
    expect(doc.endpoint).toBe('http://127.0.0.1:4566');
    expect(text).toContain('organization: { name: demo, namespace: demo }');
  });

  it('lists the member accounts with ids as strings, stage tags folded into fields, and the ExternalId', () => {
    expect(doc.accounts).toEqual([
      {
        id: '222222222222',
        name: 'development',
        stage: 'dev',
        color: 'green',
        ou: '/Workloads',
        tags: { team: 'platform' },
        roles: { admin: { name: 'administrator', mfa: 'required' } },
      },
      {
        id: '333333333333',
        name: 'staging',
        stage: 'staging',
        color: 'yellow',
        ou: '/Workloads',
        tags: { team: 'platform' },
        roles: { admin: { name: 'administrator', mfa: 'required' } },
      },
      {
        id: '444444444444',
        name: 'production',
        stage: 'prod',
        color: 'red',
        ou: '/Workloads',
        tags: { team: 'payments' },
        roles: { admin: { name: 'administrator', mfa: 'required', confirm: true } },
      },
      {
        id: '555555555555',
        name: 'client-acme',
        stage: 'client',
        color: 'blue',
        ou: '/Clients',
        tags: { client: 'acme' },
        external_id: 'acme-crossbar-7f3a9c',
        roles: { admin: { name: 'administrator', mfa: 'required' } },
      },
    ]);
    expect(text).toContain('id: "444444444444"');
  });

  it('has workspaces and the three switch shortcuts, and no secrets', () => {
    expect(doc.workspaces).toEqual([
      { name: 'production', accounts: ['production'] },
      { name: 'platform', accounts: ['stage!=prod'] },
    ]);
    expect(doc.shortcuts).toEqual([
      { name: '/switch-to-prod', account: 'production', role: 'CrossbarReadOnly', region: 'us-east-1' },
      { name: '/switch-to-staging', account: 'staging', role: 'CrossbarReadOnly', region: 'us-east-1' },
      { name: '/switch-to-dev', account: 'development', role: 'CrossbarReadOnly', region: 'us-east-1' },
    ]);
    expect(text).not.toContain('secret');
  });

  it('is valid against the crossbar.yaml schema and gives every role its own profile name', () => {
    const parsed = parseConfig(text, 'crossbar.yaml');
    expect(parsed.problems).toEqual([]);
    if (!parsed.config) throw new Error('no config');
    const production = buildRegistry(parsed.config).accounts.find((a) => a.name === 'production');
    expect(production?.roles.map((r) => [r.profileName, r.mfa, r.confirm])).toEqual([
      ['demo-prod-CrossbarReadOnly', 'none', false],
      ['demo-prod-admin', 'required', true],
    ]);
  });

  it('uses a selector and name-based profiles when a stage has several accounts', () => {
    const two = {
      ...info,
      accounts: [
        ...info.accounts,
        { id: '666666666666', name: 'production-eu', stage: 'prod', ou: '/Workloads', tags: {} },
      ],
    };
    const rendered = renderCrossbarYaml(two);
    const parsed = parse(rendered) as { workspaces: unknown[]; defaults: { profile_pattern: string } };
    expect(parsed.workspaces[0]).toEqual({ name: 'production', accounts: ['stage=prod'] });
    expect(parsed.defaults.profile_pattern).toBe('{namespace}-{name}-{role}');
    const config = parseConfig(rendered, 'crossbar.yaml').config;
    expect(config && buildRegistry(config).accounts).toHaveLength(5);
  });
});

describe('renderCrossbarYaml withSsoSource (the demo, issue 12)', () => {
  const sso = { ...info, identityCenter: { startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' } };

  it('names Identity Center as a second source; the IAM user stays the default; the management account uses it', () => {
    const text = renderCrossbarYaml(sso, { withSsoSource: true });
    expect(text).toContain(
      'sources:\n  demo-sso: { sso: { start_url: https://d-1234567890.awsapps.com/start, region: eu-west-1 } }\n',
    );
    const parsed = parseConfig(text, 'crossbar.yaml');
    expect(parsed.problems).toEqual([]);
    if (!parsed.config) throw new Error('no config');
    const registry = buildRegistry(parsed.config);
    expect(registry.accounts.map((a) => [a.name, a.source])).toEqual([
      ['development', 'default'],
      ['staging', 'default'],
      ['production', 'default'],
      ['client-acme', 'default'],
      ['management', 'demo-sso'],
    ]);
    const management = registry.accounts.find((a) => a.name === 'management');
    expect(management?.id).toBe('111111111111');
    // Permission sets only, least-privileged first (the default role); no CrossbarReadOnly implied without a hub.
    expect(management?.roles.map((r) => [r.key, r.permissionSet])).toEqual([
      ['readonly', 'ReadOnlyAccess'],
      ['admin', 'AdministratorAccess'],
    ]);
    expect(management?.defaultRole.key).toBe('readonly');
  });

  it('is not written without the option, nor when the organization has no Identity Center', () => {
    expect(renderCrossbarYaml(sso)).toBe(renderCrossbarYaml(info));
    expect(renderCrossbarYaml(info, { withSsoSource: true })).toBe(renderCrossbarYaml(info));
  });
});

describe('renderAwsConfig / renderAwsCredentials', () => {
  it('gives every user a profile with the region, the endpoint and MFA where they have it', () => {
    const text = renderAwsConfig(info);
    expect(text).toContain(
      '[profile alice]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:4566\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n',
    );
    expect(text).toContain('[profile bob]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:4566\n');
    expect(text).not.toContain('secret');
  });

  it('puts the keys in the credentials file, one section per user', () => {
    const text = renderAwsCredentials(info);
    expect(text).toContain('[alice]\naws_access_key_id = AKIAALICE\naws_secret_access_key = alice-secret\n');
    expect(text).toContain('[bob]\naws_access_key_id = AKIABOB\naws_secret_access_key = bob-secret\n');
  });
});
