import { parseArn } from '../../../core/arn.js';
import { AWS_MANAGED_POLICIES, findAwsManagedPolicy } from '../../world/aws-managed-policies.js';
import type { ManagedPolicy, SandboxAccount } from '../../world/types.js';
import type { HandlerContext } from '../../service.js';
import { encodeDocument, invalidInput, noSuchEntity, required } from './common.js';

/**
 * One view of a managed policy, whether AWS managed (shared by every account, from aws-managed-policies.ts)
 * or customer managed (the account's own, in `iam.policies`), so that Get, List and the authorization
 * details answer both alike.
 */
export interface PolicyView {
  awsManaged: boolean;
  name: string;
  id: string;
  arn: string;
  path: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  versions: { versionId: string; document: string; createDate: string }[];
}

/** AWS managed policies keep one version and a fixed date in the sandbox (AdministratorAccess's real one). */
const AWS_MANAGED_DATE = '2015-02-06T18:39:46Z';

export function awsManagedViews(): PolicyView[] {
  return AWS_MANAGED_POLICIES.map((p) => ({
    awsManaged: true,
    name: p.name,
    id: p.id,
    arn: p.arn,
    path: '/',
    description: p.description,
    createDate: AWS_MANAGED_DATE,
    updateDate: AWS_MANAGED_DATE,
    defaultVersionId: 'v1',
    versions: [{ versionId: 'v1', document: p.document, createDate: AWS_MANAGED_DATE }],
  }));
}

export function localViews(account: SandboxAccount): PolicyView[] {
  return Object.values(account.iam.policies).map(localView);
}

function localView(p: ManagedPolicy): PolicyView {
  return {
    awsManaged: false,
    name: p.name,
    id: p.id,
    arn: p.arn,
    path: p.path,
    ...(p.description === undefined ? {} : { description: p.description }),
    createDate: p.createDate,
    updateDate: p.updateDate,
    defaultVersionId: p.defaultVersionId,
    versions: Object.entries(p.versions).map(([versionId, v]) => ({
      versionId,
      document: v.document,
      createDate: v.createDate,
    })),
  };
}

export function findPolicy(account: SandboxAccount, arn: string): PolicyView | undefined {
  if (findAwsManagedPolicy(arn)) return awsManagedViews().find((p) => p.arn === arn);
  const local = Object.hasOwn(account.iam.policies, arn) ? account.iam.policies[arn] : undefined;
  return local ? localView(local) : undefined;
}

/** A PolicyArn input: a parseable IAM policy ARN (InvalidInput otherwise, as IAM answers). */
export function policyArnOf(input: Record<string, unknown>): string {
  const arn = required(input, 'PolicyArn');
  try {
    const parsed = parseArn(arn);
    if (parsed.service !== 'iam') throw new Error('not an IAM ARN');
  } catch {
    throw invalidInput(`ARN ${arn} is not valid.`);
  }
  return arn;
}

export function requirePolicy(account: SandboxAccount, arn: string): PolicyView {
  const policy = findPolicy(account, arn);
  if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

export const policyResource = (_ctx: HandlerContext, input: Record<string, unknown>) => policyArnOf(input);

/** The users, groups and roles of an account that a managed policy is attached to. */
export function attachedEntities(account: SandboxAccount, arn: string) {
  const has = (e: { attachedPolicies: string[] }) => e.attachedPolicies.includes(arn);
  return {
    users: Object.values(account.iam.users).filter(has),
    groups: Object.values(account.iam.groups).filter(has),
    roles: Object.values(account.iam.roles).filter(has),
  };
}

export function attachmentCount(account: SandboxAccount, arn: string): number {
  const { users, groups, roles } = attachedEntities(account, arn);
  return users.length + groups.length + roles.length;
}

export function policyOut(account: SandboxAccount, p: PolicyView): Record<string, unknown> {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: attachmentCount(account, p.arn),
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(p.description === undefined ? {} : { Description: p.description }),
    CreateDate: new Date(p.createDate),
    UpdateDate: new Date(p.updateDate),
  };
}

export function versionOut(p: PolicyView, v: PolicyView['versions'][number]): Record<string, unknown> {
  return {
    Document: encodeDocument(v.document),
    VersionId: v.versionId,
    IsDefaultVersion: v.versionId === p.defaultVersionId,
    CreateDate: new Date(v.createDate),
  };
}

/** `[{ PolicyName, PolicyArn }]` for an entity's attached policies; a policy deleted meanwhile is skipped. */
export function attachedPolicyRefs(
  account: SandboxAccount,
  arns: readonly string[],
): { PolicyName: string; PolicyArn: string }[] {
  return arns.flatMap((arn) => {
    const p = findPolicy(account, arn);
    return p ? [{ PolicyName: p.name, PolicyArn: p.arn }] : [];
  });
}
