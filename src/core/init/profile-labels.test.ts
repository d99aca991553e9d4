import { describe, expect, it } from 'vitest';
import { analyzeProfileNames, isRoleLabel, shortRoleKey } from './profile-labels.js';

describe('analyzeProfileNames', () => {
  it('reads namespace, account and role from ns-name-role profiles (seed 003)', () => {
    expect(
      analyzeProfileNames([
        { profile: 'cpco-testing-admin', roleName: 'cpco-root-admin' },
        { profile: 'cpco-root-admin', roleName: 'cpco-root-admin' },
      ]),
    ).toEqual({
      namespace: 'cpco',
      names: [
        { account: 'testing', roleLabel: 'admin' },
        { account: 'root', roleLabel: 'admin' },
      ],
    });
  });

  it('strips a suffix every profile shares even when it is no role, keeping no role label (seed 004)', () => {
    expect(
      analyzeProfileNames([
        { profile: 'demo-development-cobus', roleName: 'administrator' },
        { profile: 'demo-production-cobus', roleName: 'administrator' },
      ]),
    ).toEqual({ namespace: 'demo', names: [{ account: 'development' }, { account: 'production' }] });
  });

  it('keeps account names of several labels whole', () => {
    expect(
      analyzeProfileNames([
        { profile: 'acme-payments-prod-readonly', roleName: 'ReadOnly' },
        { profile: 'acme-shop-dev-admin', roleName: 'OrganizationAccountAccessRole' },
      ]).names,
    ).toEqual([
      { account: 'payments-prod', roleLabel: 'readonly' },
      { account: 'shop-dev', roleLabel: 'admin' },
    ]);
  });

  it('finds no namespace in a single profile or in profiles that do not share a first label', () => {
    expect(analyzeProfileNames([{ profile: 'prod-admin', roleName: 'admin' }])).toEqual({
      names: [{ account: 'prod', roleLabel: 'admin' }],
    });
    expect(analyzeProfileNames([{ profile: 'my-app-prod', roleName: 'deploy' }])).toEqual({
      names: [{ account: 'my-app-prod' }],
    });
    expect(
      analyzeProfileNames([
        { profile: 'development', roleName: 'administrator' },
        { profile: 'acme-prod', roleName: 'administrator' },
      ]),
    ).toEqual({ names: [{ account: 'development' }, { account: 'acme-prod' }] });
  });
});

describe('role keys', () => {
  it('shortens role names into keys fit for a profile name', () => {
    expect(shortRoleKey('administrator')).toBe('admin');
    expect(shortRoleKey('AdministratorAccess')).toBe('admin');
    expect(shortRoleKey('CrossbarReadOnly')).toBe('readonly');
    expect(shortRoleKey('OrganizationAccountAccessRole')).toBe('org-access');
    expect(shortRoleKey('PowerUser')).toBe('power');
    expect(shortRoleKey('DeployPipeline')).toBe('deploy-pipeline');
  });

  it('knows a role label from a word of the role name or a usual role word', () => {
    expect(isRoleLabel('admin', 'cpco-root-admin')).toBe(true);
    expect(isRoleLabel('deploy', 'deploy')).toBe(true);
    expect(isRoleLabel('readonly', 'CrossbarReadOnly')).toBe(true);
    expect(isRoleLabel('cobus', 'administrator')).toBe(false);
    expect(isRoleLabel('eu', 'deploy')).toBe(false);
  });
});
