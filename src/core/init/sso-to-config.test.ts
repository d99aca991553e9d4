import { describe, expect, it } from 'vitest';
import { permissionSetKey, ssoToConfig } from './sso-to-config.js';
import { renderInitConfig } from './render-init-config.js';
import { parseConfig } from '../config/load-config.js';
import { buildRegistry } from '../config/registry.js';

describe('permissionSetKey', () => {
  it('short keys for the well-known sets, kebab-case for the rest', () => {
    expect(permissionSetKey('AdministratorAccess')).toBe('admin');
    expect(permissionSetKey('AWSAdministratorAccess')).toBe('admin');
    expect(permissionSetKey('ReadOnlyAccess')).toBe('readonly');
    expect(permissionSetKey('ViewOnlyAccess')).toBe('viewonly');
    expect(permissionSetKey('PowerUserAccess')).toBe('poweruser');
    expect(permissionSetKey('DataScientist')).toBe('data-scientist');
    expect(permissionSetKey('Billing_Team')).toBe('billing-team');
  });
});

describe('ssoToConfig', () => {
  const config = ssoToConfig(
    [
      {
        accountId: '444444444444',
        accountName: 'Acme Production',
        permissionSets: ['AdministratorAccess', 'ReadOnlyAccess'],
      },
      { accountId: '222222222222', accountName: 'acme-dev', permissionSets: ['DataScientist'] },
      { accountId: '999999999999', accountName: 'Acme Production', permissionSets: ['ReadOnlyAccess'] },
    ],
    {
      accounts: new Map([
        [
          '444444444444',
          {
            id: '444444444444',
            name: 'Acme Production',
            ou: '/Workloads',
            tags: { env: 'production' },
            stage: 'prod',
            management: false,
          },
        ],
      ]),
    },
    { sourceName: 'acme-sso', startUrl: 'https://d-90679a1b2c.awsapps.com/start', region: 'eu-west-1' },
  );

  it('one SSO source; accounts name it, roles per permission set, read-only first', () => {
    expect(config.sources).toEqual({
      'acme-sso': { sso: { start_url: 'https://d-90679a1b2c.awsapps.com/start', region: 'eu-west-1' } },
    });
    expect(config.accounts[0]).toMatchObject({
      id: '444444444444',
      name: 'acme-production',
      stage: 'prod',
      ou: '/Workloads',
      source: 'acme-sso',
    });
    expect(Object.keys(config.accounts[0]?.roles ?? {})).toEqual(['readonly', 'admin']);
    expect(config.accounts[1]).toMatchObject({
      name: 'acme-dev',
      stage: 'dev',
      roles: { 'data-scientist': { permission_set: 'DataScientist' } },
    });
    expect(config.accounts[2]?.name).toBe('acme-production-999999999999'); // names stay unique
  });

  it('renders to a crossbar.yaml that loads, with permission-set roles on the SSO source', () => {
    const text = renderInitConfig({ ...config, generatedBy: 'crossbar init --from-sso', generatedAt: new Date(0) });
    const parsed = parseConfig(text, 'crossbar.yaml');
    expect(parsed.problems).toEqual([]);
    if (!parsed.config) throw new Error('no config');
    const registry = buildRegistry(parsed.config);
    const prod = registry.accounts.find((a) => a.id === '444444444444');
    expect(prod?.source).toBe('acme-sso');
    expect(prod?.defaultRole.permissionSet).toBe('ReadOnlyAccess');
    expect(text).toContain(
      '  acme-sso:\n    sso: { start_url: https://d-90679a1b2c.awsapps.com/start, region: eu-west-1 }\n',
    );
  });
});
