import { stringify } from 'yaml';
import { groupPolicy, GROUP_POLICY_NAME, TRUST_ACTIONS } from './policies.js';
import type { BootstrapRole, BootstrapSpec } from './spec.js';

/**
 * CloudFormation: one StackSet-ready template for the target accounts (the same template everywhere; what
 * differs per account — its ExternalId, whether it gets an admin role — are parameters, listed per account in
 * target-parameters.json for the stack instances' overrides) and one template for the source account's groups.
 * Intrinsics are in their long form (`Ref`, `Fn::If`), which any YAML parser reads.
 */
export interface RenderedFile {
  path: string;
  content: string;
}

/** A role as the template defines it: the same name, level and MFA rule in every account that has it. */
interface RoleDefinition {
  logicalId: string;
  role: BootstrapRole;
  accountIds: Set<string>;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}

/** The same role name with another level or MFA rule in some accounts gets its own resource. */
function uniqueId(base: string, known: Map<string, RoleDefinition>): string {
  const taken = new Set([...known.values()].map((d) => d.logicalId));
  let id = base;
  for (let n = 2; taken.has(id); n += 1) id = `${base}${n}`;
  return id;
}

function definitions(spec: BootstrapSpec): RoleDefinition[] {
  const byKey = new Map<string, RoleDefinition>();
  for (const role of spec.roles) {
    const key = `${role.name}|${role.level}|${role.mfa}`;
    const known = byKey.get(key);
    if (known) known.accountIds.add(role.accountId);
    else
      byKey.set(key, {
        logicalId: uniqueId(`Role${pascal(role.name)}`, byKey),
        role,
        accountIds: new Set([role.accountId]),
      });
  }
  return [...byKey.values()];
}

function accountIdsOf(spec: BootstrapSpec): string[] {
  return [...new Set(spec.roles.map((r) => r.accountId))];
}

function trustDocument(role: BootstrapRole): Record<string, unknown> {
  const mfa = role.mfa ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } : undefined;
  const externalId = { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'TrustedPrincipals' } },
        Action: TRUST_ACTIONS,
        Condition: { 'Fn::If': ['HasExternalId', { ...externalId, ...mfa }, mfa ?? { Ref: 'AWS::NoValue' }] },
      },
    ],
  };
}

/**
 * A role name with another level or MFA rule in some accounts has one resource per variant, and the accounts'
 * parameters create exactly one of them (see targetParameters). cfn-lint cannot see that the conditions exclude
 * each other and reports the shared RoleName (E3019); the resource says so instead of changing its shape.
 */
const SHARED_NAME_METADATA = {
  'cfn-lint': { config: { ignore_checks: ['E3019'] } },
  Comment: 'The stack instance parameters create one variant of this role name per account.',
};

export function targetTemplate(spec: BootstrapSpec): Record<string, unknown> {
  const defs = definitions(spec);
  const total = accountIdsOf(spec).length;
  const parameters: Record<string, unknown> = {
    TrustedPrincipals: {
      Type: 'CommaDelimitedList',
      Default: spec.principals.join(','),
      Description: 'ARNs of the source users and roles the roles trust (never *)',
    },
    ExternalId: { Type: 'String', Default: '', Description: 'sts:ExternalId the roles require; empty for none' },
  };
  const conditions: Record<string, unknown> = {
    HasExternalId: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'ExternalId' }, ''] }] },
  };
  const resources: Record<string, unknown> = {};
  const outputs: Record<string, unknown> = {};
  const sharedNames = new Set(defs.map((d) => d.role.name).filter((name, i, all) => all.indexOf(name) !== i));
  for (const def of defs) {
    const create = `Create${def.logicalId}`;
    parameters[create] = {
      Type: 'String',
      AllowedValues: ['true', 'false'],
      Default: def.accountIds.size === total ? 'true' : 'false',
      Description: `Create the ${def.role.level} role ${def.role.name}`,
    };
    conditions[create] = { 'Fn::Equals': [{ Ref: create }, 'true'] };
    resources[def.logicalId] = {
      Type: 'AWS::IAM::Role',
      Condition: create,
      ...(sharedNames.has(def.role.name) ? { Metadata: SHARED_NAME_METADATA } : {}),
      Properties: {
        RoleName: def.role.name,
        Description: `crossbar ${def.role.level} access${def.role.mfa ? ' with MFA' : ''}`,
        AssumeRolePolicyDocument: trustDocument(def.role),
        ManagedPolicyArns: [def.role.managedPolicyArn],
      },
    };
    outputs[`${def.logicalId}Arn`] = { Condition: create, Value: { 'Fn::GetAtt': [def.logicalId, 'Arn'] } };
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `crossbar roles for the target accounts, trusting ${spec.principals.join(', ')}`,
    Parameters: parameters,
    Conditions: conditions,
    Resources: resources,
    Outputs: outputs,
  };
}

/** The parameter overrides of each stack instance: what differs from the template's defaults. */
export function targetParameters(
  spec: BootstrapSpec,
): { account: string; accountId: string; parameters: { ParameterKey: string; ParameterValue: string }[] }[] {
  const defs = definitions(spec);
  return accountIdsOf(spec).map((accountId) => {
    const roles = spec.roles.filter((r) => r.accountId === accountId);
    const externalId = roles.find((r) => r.externalId)?.externalId;
    return {
      account: roles[0]?.accountName ?? accountId,
      accountId,
      parameters: [
        ...(externalId ? [{ ParameterKey: 'ExternalId', ParameterValue: externalId }] : []),
        ...defs.map((d) => ({
          ParameterKey: `Create${d.logicalId}`,
          ParameterValue: String(d.accountIds.has(accountId)),
        })),
      ],
    };
  });
}

export function sourceTemplate(spec: BootstrapSpec): Record<string, unknown> {
  const resources: Record<string, unknown> = {};
  for (const group of spec.groups) {
    const id = `Group${pascal(group.level)}`;
    resources[id] = { Type: 'AWS::IAM::Group', Properties: { GroupName: group.name } };
    resources[`${id}AssumePolicy`] = {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: GROUP_POLICY_NAME,
        Groups: [{ Ref: id }],
        PolicyDocument: groupPolicy(group, spec).document,
      },
    };
    if (group.users.length > 0)
      resources[`${id}Users`] = {
        Type: 'AWS::IAM::UserToGroupAddition',
        Properties: { GroupName: { Ref: id }, Users: group.users },
      };
  }
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `crossbar groups in the source account ${spec.sourceAccountId}: who may assume the crossbar roles`,
    Resources: resources,
  };
}

export function renderCloudFormation(spec: BootstrapSpec, as: 'yaml' | 'json' = 'yaml'): RenderedFile[] {
  // No anchors and aliases (`&a1` / `*a1`) for the objects the roles share: CloudFormation's YAML has none.
  const write = (value: unknown) =>
    as === 'yaml'
      ? stringify(value, { lineWidth: 0, aliasDuplicateObjects: false })
      : `${JSON.stringify(value, null, 2)}\n`;
  return [
    { path: `cloudformation/crossbar-target-roles.${as}`, content: write(targetTemplate(spec)) },
    { path: `cloudformation/crossbar-source-groups.${as}`, content: write(sourceTemplate(spec)) },
    { path: 'cloudformation/target-parameters.json', content: `${JSON.stringify(targetParameters(spec), null, 2)}\n` },
  ];
}
