import type { IdentityCenterState } from './identity-center-types.js';

/**
 * The sandbox's state: a whole AWS organization as plain JSON data, so that `--state FILE` can persist and
 * restore it with JSON.stringify / JSON.parse. Dates are ISO strings. Records are keyed by id or name.
 */

export interface World {
  /** Bumped whenever the shape changes, so an old state file is refused instead of misread. */
  version: 1;
  seed: number;
  /**
   * What access keys, secrets, session tokens and MFA secrets are drawn from: random per sandbox unless a seed
   * was asked for, so that one sandbox's keys mean nothing to another. Absent in older state files (then `seed`).
   */
  secretSeed?: string;
  organization: OrganizationInfo;
  ous: Record<string, OrgUnit>;
  /** Insertion order is the organization's account order. */
  accounts: Record<string, SandboxAccount>;
  /** Long-term access keys (AKIA…) of IAM users, by access key id. */
  accessKeys: Record<string, AccessKeyRecord>;
  /** Temporary credentials (ASIA…) from AssumeRole and GetSessionToken, by access key id. */
  sessions: Record<string, SessionRecord>;
  /** When expired sessions were last swept (sandbox clock, ms); each sandbox sweeps its own world. */
  sessionsPrunedAt?: number;
  /** Federation sign-in tokens from getSigninToken, by token. */
  signinTokens: Record<string, SigninTokenRecord>;
  /** Every region the sandbox knows, with whether it needs opting in. */
  regions: RegionInfo[];
  /** The organization's IAM Identity Center instance, if it has one (absent in older state files). */
  identityCenter?: IdentityCenterState;
  /** A counter for ids so that ids are unique and deterministic. */
  nextId: number;
}

export interface OrganizationInfo {
  id: string;
  arn: string;
  masterAccountId: string;
  masterAccountEmail: string;
  rootId: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
}

export interface OrgUnit {
  id: string;
  arn: string;
  name: string;
  parentId: string;
}

export interface RegionInfo {
  name: string;
  optInRequired: boolean;
}

export interface SandboxAccount {
  id: string;
  name: string;
  email: string;
  status: 'ACTIVE' | 'SUSPENDED';
  joinedTimestamp: string;
  /** The OU id or the root id. */
  parentId: string;
  tags: Record<string, string>;
  /** Opt-in regions this account has enabled (default regions are always enabled). */
  optedInRegions: string[];
  iam: IamState;
  /** EC2 instances by region. */
  instances: Record<string, Ec2Instance[]>;
  buckets: S3Bucket[];
  /** CloudTrail management events, newest last, by region. */
  trail: Record<string, TrailEvent[]>;
  /**
   * What Lambda, RDS, ECS, EKS, DynamoDB and Config answer from. Only this seed is stored: the resources
   * themselves are derived from it on demand (see world/workloads.ts), so 5,000 accounts stay small.
   */
  workloads?: WorkloadSeed;
}

export interface WorkloadSeed {
  /** The account's stage when it was seeded (`prod` accounts run more). */
  stage: string;
  /** Resource dates count back from here, so a restored state file answers the same. */
  seededAt: string;
  /** Regions with workloads (the regions the account's EC2 network was seeded in). */
  regions: string[];
  /** How many of each resource every workload region has, instead of the seeded 1–3 (load and paging tests). */
  counts?: WorkloadCounts;
}

export interface WorkloadCounts {
  functions?: number;
  dbInstances?: number;
  ecsClusters?: number;
  eksClusters?: number;
  tables?: number;
}

export interface IamState {
  users: Record<string, IamUser>;
  groups: Record<string, IamGroup>;
  roles: Record<string, IamRole>;
  /** Customer managed policies, by ARN. AWS managed policies live in aws-managed-policies.ts. */
  policies: Record<string, ManagedPolicy>;
  /** Virtual MFA devices, by serial number (ARN). */
  mfaDevices: Record<string, MfaDevice>;
  /** The account alias, if set. */
  aliases: string[];
}

export interface IamUser {
  name: string;
  id: string;
  arn: string;
  path: string;
  createDate: string;
  passwordLastUsed?: string;
  groups: string[];
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  tags: Record<string, string>;
}

export interface IamGroup {
  name: string;
  id: string;
  arn: string;
  path: string;
  createDate: string;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
}

export interface IamRole {
  name: string;
  id: string;
  arn: string;
  path: string;
  createDate: string;
  description?: string;
  /** The trust policy, as JSON text. */
  assumeRolePolicyDocument: string;
  maxSessionDuration: number;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  tags: Record<string, string>;
  lastUsed?: { date: string; region: string };
}

export interface ManagedPolicy {
  name: string;
  id: string;
  arn: string;
  path: string;
  description?: string;
  createDate: string;
  updateDate: string;
  defaultVersionId: string;
  versions: Record<string, { document: string; createDate: string }>;
}

export interface MfaDevice {
  serialNumber: string;
  /** Base32 TOTP secret. Secret: never logged. */
  secret: string;
  userName?: string;
  enableDate?: string;
  /** The TOTP time step of the last code accepted: that code and every earlier one are spent. */
  lastUsedStep?: number;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  /** Secret: never logged. */
  secretAccessKey: string;
  accountId: string;
  userName: string;
  status: 'Active' | 'Inactive';
  createDate: string;
  lastUsed?: { date: string; service: string; region: string };
}

/** Who a request acts as. */
export type PrincipalRef =
  | { type: 'user'; accountId: string; userName: string }
  | { type: 'root'; accountId: string }
  | { type: 'assumed-role'; accountId: string; roleName: string; sessionName: string };

export interface SessionRecord {
  accessKeyId: string;
  /** Secret: never logged. */
  secretAccessKey: string;
  /** Secret: never logged. */
  sessionToken: string;
  principal: PrincipalRef;
  expiration: string;
  issuedAt: string;
  /** When MFA was presented for this session (GetSessionToken or AssumeRole with a code). */
  mfaAuthTime?: string;
  sourceIdentity?: string;
  /** True when a role session assumed this one: the 1-hour cap applies. */
  chained: boolean;
  /** The long-term key or session that created this one. */
  parentAccessKeyId: string;
}

export interface SigninTokenRecord {
  token: string;
  sessionAccessKeyId: string;
  /** Console session lifetime in seconds. */
  sessionDuration: number;
  expiresAt: string;
}

export interface Ec2Instance {
  instanceId: string;
  instanceType: string;
  imageId: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'terminated';
  launchTime: string;
  availabilityZone: string;
  privateIpAddress: string;
  vpcId: string;
  subnetId: string;
  tags: Record<string, string>;
}

export interface S3Bucket {
  name: string;
  region: string;
  creationDate: string;
  tags: Record<string, string>;
}

export interface TrailEvent {
  eventId: string;
  eventName: string;
  eventSource: string;
  eventTime: string;
  readOnly: boolean;
  username?: string;
  accessKeyId?: string;
  /** The full CloudTrail record, serialized as CloudTrailEvent. */
  record: Record<string, unknown>;
  resources: { type: string; name: string }[];
}
