import type {
  AccessKeyRecord,
  IamGroup,
  IamRole,
  IamUser,
  ManagedPolicy,
  MfaDevice,
  SandboxAccount,
  World,
} from './types.js';
import { newSecretKey, newTotpSecret, newUniqueId } from './ids.js';

/**
 * Creation of IAM entities, shared by the seed organizations and the IAM write API, so that both produce
 * exactly the same shapes (ids, ARNs, paths).
 */

function normalizePath(path: string | undefined): string {
  return path ?? '/';
}

export function createUser(
  world: World,
  account: SandboxAccount,
  name: string,
  opts: { path?: string; createDate: string; tags?: Record<string, string> },
): IamUser {
  const path = normalizePath(opts.path);
  const user: IamUser = {
    name,
    id: newUniqueId(world, 'AIDA'),
    arn: `arn:aws:iam::${account.id}:user${path}${name}`,
    path,
    createDate: opts.createDate,
    groups: [],
    inlinePolicies: {},
    attachedPolicies: [],
    tags: opts.tags ?? {},
  };
  account.iam.users[name] = user;
  return user;
}

export function createGroup(
  world: World,
  account: SandboxAccount,
  name: string,
  opts: { path?: string; createDate: string },
): IamGroup {
  const path = normalizePath(opts.path);
  const group: IamGroup = {
    name,
    id: newUniqueId(world, 'AGPA'),
    arn: `arn:aws:iam::${account.id}:group${path}${name}`,
    path,
    createDate: opts.createDate,
    inlinePolicies: {},
    attachedPolicies: [],
  };
  account.iam.groups[name] = group;
  return group;
}

export function createRole(
  world: World,
  account: SandboxAccount,
  name: string,
  opts: {
    path?: string;
    createDate: string;
    trust: string;
    maxSessionDuration?: number;
    description?: string;
    tags?: Record<string, string>;
  },
): IamRole {
  const path = normalizePath(opts.path);
  const role: IamRole = {
    name,
    id: newUniqueId(world, 'AROA'),
    arn: `arn:aws:iam::${account.id}:role${path}${name}`,
    path,
    createDate: opts.createDate,
    assumeRolePolicyDocument: opts.trust,
    maxSessionDuration: opts.maxSessionDuration ?? 3600,
    inlinePolicies: {},
    attachedPolicies: [],
    tags: opts.tags ?? {},
    ...(opts.description === undefined ? {} : { description: opts.description }),
  };
  account.iam.roles[name] = role;
  return role;
}

export function createManagedPolicy(
  world: World,
  account: SandboxAccount,
  name: string,
  opts: { path?: string; createDate: string; document: string; description?: string },
): ManagedPolicy {
  const path = normalizePath(opts.path);
  const policy: ManagedPolicy = {
    name,
    id: newUniqueId(world, 'ANPA'),
    arn: `arn:aws:iam::${account.id}:policy${path}${name}`,
    path,
    createDate: opts.createDate,
    updateDate: opts.createDate,
    defaultVersionId: 'v1',
    versions: { v1: { document: opts.document, createDate: opts.createDate } },
    ...(opts.description === undefined ? {} : { description: opts.description }),
  };
  account.iam.policies[policy.arn] = policy;
  return policy;
}

export function createAccessKey(
  world: World,
  account: SandboxAccount,
  userName: string,
  createDate: string,
): AccessKeyRecord {
  const key: AccessKeyRecord = {
    accessKeyId: newUniqueId(world, 'AKIA'),
    secretAccessKey: newSecretKey(world),
    accountId: account.id,
    userName,
    status: 'Active',
    createDate,
  };
  world.accessKeys[key.accessKeyId] = key;
  return key;
}

export function createVirtualMfaDevice(world: World, account: SandboxAccount, name: string, path = '/'): MfaDevice {
  const device: MfaDevice = {
    serialNumber: `arn:aws:iam::${account.id}:mfa${path}${name}`,
    secret: newTotpSecret(world),
  };
  account.iam.mfaDevices[device.serialNumber] = device;
  return device;
}

export function enableMfaDevice(
  account: SandboxAccount,
  serialNumber: string,
  userName: string,
  enableDate: string,
): void {
  const device = account.iam.mfaDevices[serialNumber];
  if (device) {
    device.userName = userName;
    device.enableDate = enableDate;
  }
}

export function accessKeysOf(world: World, accountId: string, userName: string): AccessKeyRecord[] {
  return Object.values(world.accessKeys).filter((k) => k.accountId === accountId && k.userName === userName);
}
