import { groupPolicy, GROUP_POLICY_NAME, trustPolicy, type PolicyDocument } from './policies.js';
import type { RenderedFile } from './render-cloudformation.js';
import type { BootstrapSpec } from './spec.js';

/** The raw documents per account and role, and per source group: for review, or for any other tool. */
export interface BootstrapJson {
  sourceAccountId: string;
  principals: string[];
  accounts: {
    id: string;
    name: string;
    roles: {
      key: string;
      name: string;
      arn: string;
      level: string;
      trustPolicy: PolicyDocument;
      managedPolicyArns: string[];
    }[];
  }[];
  source: {
    accountId: string;
    groups: {
      name: string;
      level: string;
      policyName: string;
      policy: PolicyDocument;
      policyBytes: number;
      wildcard: boolean;
      users: string[];
    }[];
  };
  skipped: BootstrapSpec['skipped'];
}

export function bootstrapJson(spec: BootstrapSpec): BootstrapJson {
  const ids = [...new Set(spec.roles.map((r) => r.accountId))];
  return {
    sourceAccountId: spec.sourceAccountId,
    principals: spec.principals,
    accounts: ids.map((id) => {
      const roles = spec.roles.filter((r) => r.accountId === id);
      return {
        id,
        name: roles[0]?.accountName ?? id,
        roles: roles.map((r) => ({
          key: r.key,
          name: r.name,
          arn: r.arn,
          level: r.level,
          trustPolicy: trustPolicy(r, spec.principals),
          managedPolicyArns: [r.managedPolicyArn],
        })),
      };
    }),
    source: {
      accountId: spec.sourceAccountId,
      groups: spec.groups.map((g) => {
        const policy = groupPolicy(g, spec);
        return {
          name: g.name,
          level: g.level,
          policyName: GROUP_POLICY_NAME,
          policy: policy.document,
          policyBytes: policy.bytes,
          wildcard: policy.wildcard,
          users: g.users,
        };
      }),
    },
    skipped: spec.skipped,
  };
}

export function renderJson(spec: BootstrapSpec): RenderedFile[] {
  return [{ path: 'crossbar-bootstrap.json', content: `${JSON.stringify(bootstrapJson(spec), null, 2)}\n` }];
}
