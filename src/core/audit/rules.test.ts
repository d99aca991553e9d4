import { describe, expect, it } from 'vitest';
import { parsePolicyDocument } from '../policy/index.js';
import { DAY_MS, evaluateRules } from './rules.js';
import { buildTrustGraph } from './trust-graph.js';
import type { CollectedAccount, IamRoleInfo, IamUserInfo, OrgView } from './types.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const ORG: OrgView = {
  id: 'o-1',
  managementAccountId: '111111111111',
  accountIds: new Set(['111111111111', '222222222222']),
};

function role(name: string, trust: object, extra: Partial<IamRoleInfo> = {}): IamRoleInfo {
  return {
    arn: `arn:aws:iam::222222222222:role/${name}`,
    name,
    path: '/',
    createDate: NOW - 10 * DAY_MS,
    trust: parsePolicyDocument(trust, { kind: 'trust' }),
    inline: [],
    attached: [],
    lastUsed: NOW - DAY_MS,
    ...extra,
  };
}

function user(name: string, extra: Partial<IamUserInfo> = {}): IamUserInfo {
  return {
    arn: `arn:aws:iam::222222222222:user/${name}`,
    name,
    createDate: NOW - 400 * DAY_MS,
    groups: [],
    inline: [],
    attached: [],
    mfaDevices: [],
    accessKeys: [],
    passwordLastUsed: undefined,
    ...extra,
  };
}

function account(roles: IamRoleInfo[], users: IamUserInfo[] = []): CollectedAccount {
  return {
    accountId: '222222222222',
    name: 'dev',
    users,
    groups: [],
    roles,
    policies: {},
    organization: undefined,
    collectedAt: NOW,
  };
}

function ids(a: CollectedAccount): string[] {
  const graph = buildTrustGraph([a], { accounts: [] }, ORG);
  return evaluateRules({ collected: [a], graph, org: ORG })
    .findings.map((f) => `${f.id}:${f.severity}`)
    .sort();
}

const stmt = (principal: object, condition?: object) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) },
  ],
});

describe('audit rules', () => {
  it('wildcard principal is critical; the same with aws:PrincipalOrgID is not a finding', () => {
    expect(ids(account([role('open', stmt({ AWS: '*' }))]))).toEqual(['XB001:critical']);
    expect(
      ids(account([role('org-only', stmt({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } }))])),
    ).toEqual([]);
  });

  it('a foreign account needs an ExternalId; with one it is clean', () => {
    expect(ids(account([role('vendor', stmt({ AWS: 'arn:aws:iam::999999999999:root' }))]))).toEqual(['XB003:high']);
    expect(
      ids(account([role('vendor', stmt({ AWS: '999999999999' }, { StringEquals: { 'sts:ExternalId': 'x' } }))])),
    ).toEqual([]);
  });

  it('a service principal needs SourceAccount or SourceArn', () => {
    expect(ids(account([role('svc', stmt({ Service: 'events.amazonaws.com' }))]))).toEqual(['XB006:low']);
    expect(
      ids(
        account([
          role(
            'svc',
            stmt({ Service: 'events.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': '222222222222' } }),
          ),
        ]),
      ),
    ).toEqual([]);
  });

  it('admin on a cross-account role: high without MFA (with the human and root findings), medium with MFA', () => {
    const admin = { attached: ['arn:aws:iam::aws:policy/AdministratorAccess'] };
    expect(ids(account([role('admin', stmt({ AWS: 'arn:aws:iam::111111111111:root' }), admin)]))).toEqual([
      'XB002:medium',
      'XB004:high',
      'XB005:high',
    ]);
    expect(
      ids(
        account([
          role(
            'admin',
            stmt({ AWS: 'arn:aws:iam::111111111111:user/alice' }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
            admin,
          ),
        ]),
      ),
    ).toEqual(['XB005:medium']);
  });

  it('OrganizationAccountAccessRole trusting the management root is an accepted exception, not a finding', () => {
    const a = account([
      role('OrganizationAccountAccessRole', stmt({ AWS: 'arn:aws:iam::111111111111:root' }), {
        attached: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        lastUsed: undefined,
        createDate: NOW - 700 * DAY_MS,
      }),
    ]);
    const graph = buildTrustGraph([a], { accounts: [] }, ORG);
    const out = evaluateRules({ collected: [a], graph, org: ORG });
    expect(out.findings).toEqual([]);
    expect(out.exceptions).toHaveLength(1);
  });

  it('roles unused for 90 days; a recently used twin is clean', () => {
    expect(
      ids(
        account([
          role(
            'old',
            stmt({ AWS: 'arn:aws:iam::111111111111:user/alice' }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
            { lastUsed: NOW - 91 * DAY_MS },
          ),
        ]),
      ),
    ).toEqual(['XB010:low']);
    expect(
      ids(
        account([
          role(
            'old',
            stmt({ AWS: 'arn:aws:iam::111111111111:user/alice' }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }),
            { lastUsed: NOW - 89 * DAY_MS },
          ),
        ]),
      ),
    ).toEqual([]);
  });

  it('users: no MFA with an active key, old and unused keys; an MFA user with a fresh used key is clean', () => {
    const bob = user('bob', {
      accessKeys: [{ id: 'AKIAOLD', status: 'Active', createDate: NOW - 200 * DAY_MS, lastUsed: NOW - 120 * DAY_MS }],
    });
    expect(ids(account([], [bob]))).toEqual(['XB007:high', 'XB008:medium', 'XB009:medium']);
    const alice = user('alice', {
      mfaDevices: ['arn:aws:iam::222222222222:mfa/alice'],
      accessKeys: [{ id: 'AKIANEW', status: 'Active', createDate: NOW - 30 * DAY_MS, lastUsed: NOW - DAY_MS }],
    });
    expect(ids(account([], [alice]))).toEqual([]);
    const inactive = user('carol', {
      accessKeys: [{ id: 'AKIAOFF', status: 'Inactive', createDate: NOW - 200 * DAY_MS, lastUsed: undefined }],
    });
    expect(ids(account([], [inactive]))).toEqual([]);
  });

  it('classifies principals: same account, organization, registry, foreign, service, federated, public', () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['sts:AssumeRole', 'sts:AssumeRoleWithSAML'],
          Principal: {
            AWS: [
              'arn:aws:iam::222222222222:user/a',
              'arn:aws:iam::111111111111:root',
              '333333333333',
              'arn:aws:iam::999999999999:role/x',
              '*',
            ],
            Service: ['ec2.amazonaws.com'],
            Federated: ['arn:aws:iam::222222222222:saml-provider/okta'],
          },
        },
      ],
    };
    const graph = buildTrustGraph([account([role('r', trust)])], { accounts: [{ id: '333333333333' }] }, ORG);
    expect(graph.edges.map((e) => `${e.principal.id}=${e.principal.kind}`)).toEqual([
      'arn:aws:iam::222222222222:user/a=same-account',
      'arn:aws:iam::111111111111:root=organization',
      '333333333333=registry',
      'arn:aws:iam::999999999999:role/x=foreign',
      '*=public',
      'ec2.amazonaws.com=service',
      'arn:aws:iam::222222222222:saml-provider/okta=federated',
    ]);
  });
});
