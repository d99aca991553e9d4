import type { ConditionBlock, PolicyDocument, PolicyStatement } from '../policy/index.js';

/**
 * The vocabulary of the audit: what is collected from each account's IAM (already narrowed from the SDK's
 * answers, policy documents parsed), the trust graph built from it, and the findings.
 */

export interface NamedPolicy {
  name: string;
  /** Undefined when the document does not parse: kept as `raw` and reported, never silently dropped. */
  document: PolicyDocument | undefined;
}

export interface AccessKeyInfo {
  id: string;
  status: string;
  /** Epoch ms. */
  createDate: number | undefined;
  lastUsed: number | undefined;
}

export interface IamUserInfo {
  arn: string;
  name: string;
  createDate: number | undefined;
  groups: string[];
  inline: NamedPolicy[];
  /** Managed policy ARNs. */
  attached: string[];
  mfaDevices: string[];
  accessKeys: AccessKeyInfo[];
  passwordLastUsed: number | undefined;
}

export interface IamGroupInfo {
  arn: string;
  name: string;
  inline: NamedPolicy[];
  attached: string[];
}

export interface IamRoleInfo {
  arn: string;
  name: string;
  path: string;
  createDate: number | undefined;
  trust: PolicyDocument | undefined;
  inline: NamedPolicy[];
  attached: string[];
  /** RoleLastUsed.LastUsedDate, epoch ms. */
  lastUsed: number | undefined;
}

export interface ManagedPolicyInfo {
  arn: string;
  name: string;
  document: PolicyDocument | undefined;
}

/** What DescribeOrganization answered in an account (members may call it too). */
export interface OrganizationInfo {
  id: string;
  managementAccountId: string;
}

/** One account's IAM as the audit read it. */
export interface CollectedAccount {
  accountId: string;
  /** The registry name (or the id when the account is not in the registry). */
  name: string;
  users: IamUserInfo[];
  groups: IamGroupInfo[];
  roles: IamRoleInfo[];
  /** Managed policies by ARN (local and the AWS managed ones attached to something). */
  policies: Record<string, ManagedPolicyInfo>;
  organization: OrganizationInfo | undefined;
  /** Epoch ms when it was read: what "unused for 90 days" is measured from. */
  collectedAt: number;
}

/** The organization as the audit knows it: ids of accounts known to be members. */
export interface OrgView {
  id: string | undefined;
  managementAccountId: string | undefined;
  accountIds: ReadonlySet<string>;
}

export const PRINCIPAL_KINDS = [
  'same-account',
  'organization',
  'registry',
  'foreign',
  'service',
  'federated',
  'public',
] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

export interface TrustedPrincipal {
  /** The principal as the trust policy names it: an ARN, `*`, `ec2.amazonaws.com`, a SAML provider ARN… */
  id: string;
  /** The ARN when the principal is an AWS account, user or role (a bare account id becomes its root ARN). */
  arn?: string;
  kind: PrincipalKind;
  /** The account of an AWS principal. */
  accountId?: string;
  /** `root`, `user`, `role`, `assumed-role`, … for AWS principals. */
  type?: string;
}

/** The conditions on one edge, summarized for the rules, with the raw block for evidence. */
export interface EdgeConditions {
  raw: ConditionBlock;
  externalId: boolean;
  mfa: boolean;
  principalOrg: boolean;
  sourceAccount: boolean;
  sourceArn: boolean;
}

/** principal → role (in account), under conditions, for actions. */
export interface TrustEdge {
  principal: TrustedPrincipal;
  roleArn: string;
  roleName: string;
  accountId: string;
  conditions: EdgeConditions;
  /** The sts:AssumeRole* actions the statement allows. */
  actions: string[];
  /** The trust statement this edge comes from, for evidence. */
  statement: PolicyStatement;
}

export interface TrustGraph {
  edges: TrustEdge[];
}

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** The rule id (`XB001`…); with account and resource, what identifies a finding. */
  id: string;
  rule: string;
  severity: Severity;
  accountId: string;
  accountName: string;
  /** The role or user ARN (or the credentials file for the local rule). */
  resource: string;
  title: string;
  /** The statement or JSON snippet that shows it. */
  evidence: string;
  fix: string;
}

/** An account the audit could not read, with why: never silently skipped. */
export interface NotCovered {
  accountId: string;
  accountName: string;
  code: string;
  reason: string;
  message: string;
}

/** Something a rule would flag that crossbar accepts on purpose, reported so the choice is visible. */
export interface AcceptedException {
  rule: string;
  accountId: string;
  resource: string;
  why: string;
}
