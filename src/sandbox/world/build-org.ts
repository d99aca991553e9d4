import { randomBytes } from 'node:crypto';
import type { Ec2Instance, SandboxAccount, World } from './types.js';
import { SANDBOX_REGIONS } from './regions.js';
import { newLowerId, newResourceId } from './ids.js';
import {
  createAccessKey,
  createGroup,
  createRole,
  createUser,
  createVirtualMfaDevice,
  enableMfaDevice,
} from './iam-entities.js';
import { seedWorkloads } from './seed-workloads.js';

/** What a seed organization says about one member account. */
export interface MemberSpec {
  id: string;
  name: string;
  stage: string;
  color?: string;
  ou: string;
  /** Roles in this account require this ExternalId (a consultant's client, seed 002). */
  externalId?: string;
  optedInRegions?: string[];
  /** Plant the deliberately unsafe roles for the audit. */
  unsafeRoles?: boolean;
  tags?: Record<string, string>;
}

export const MANAGEMENT_ACCOUNT_ID = '111111111111';
export const FOREIGN_ACCOUNT_ID = '999999999999';
export const INSTANCE_REGIONS = ['us-east-1', 'eu-west-1'] as const;

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function trustDocument(statements: object[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function allowDocument(actions: string | string[], resources: string | string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }],
  });
}

function emptyAccount(
  id: string,
  name: string,
  parentId: string,
  joined: string,
  tags: Record<string, string>,
  optedIn: string[],
): SandboxAccount {
  return {
    id,
    name,
    email: `aws+${name}@example.com`,
    status: 'ACTIVE',
    joinedTimestamp: joined,
    parentId,
    tags,
    optedInRegions: optedIn,
    iam: { users: {}, groups: {}, roles: {}, policies: {}, mfaDevices: {}, aliases: [] },
    instances: {},
    buckets: [],
    trail: {},
  };
}

export function createWorld(seed: number, now: number, secretSeed = randomBytes(16).toString('hex')): World {
  const orgId = 'o-sandbox0001';
  const world: World = {
    version: 1,
    seed,
    secretSeed,
    organization: {
      id: orgId,
      arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:organization/${orgId}`,
      masterAccountId: MANAGEMENT_ACCOUNT_ID,
      masterAccountEmail: 'aws+management@example.com',
      rootId: 'r-sb01',
      featureSet: 'ALL',
    },
    ous: {},
    accounts: {},
    accessKeys: {},
    sessions: {},
    signinTokens: {},
    regions: [...SANDBOX_REGIONS],
    nextId: 0,
  };
  world.accounts[MANAGEMENT_ACCOUNT_ID] = emptyAccount(
    MANAGEMENT_ACCOUNT_ID,
    'management',
    world.organization.rootId,
    iso(now - 900 * DAY),
    { role: 'management' },
    [],
  );
  return world;
}

/** Finds or creates the OU for a path such as `/Workloads`, returning its id. */
export function ensureOu(world: World, path: string): string {
  let parentId = world.organization.rootId;
  for (const name of path.split('/').filter(Boolean)) {
    const existing = Object.values(world.ous).find((ou) => ou.parentId === parentId && ou.name === name);
    if (existing) {
      parentId = existing.id;
      continue;
    }
    const id = `ou-sb01-${newLowerId(world, '', 8)}`;
    world.ous[id] = {
      id,
      name,
      parentId,
      arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT_ID}:ou/${world.organization.id}/${id}`,
    };
    parentId = id;
  }
  return parentId;
}

/** The management account's people, as in seed 004: alice with MFA and admin groups, bob a reader. */
export function seedManagement(world: World, members: MemberSpec[], now: number): void {
  const mgmt = world.accounts[MANAGEMENT_ACCOUNT_ID];
  if (!mgmt) throw new Error('management account missing');
  const created = iso(now - 400 * DAY);
  const alice = createUser(world, mgmt, 'alice', { createDate: created, tags: { team: 'platform' } });
  const bob = createUser(world, mgmt, 'bob', { createDate: iso(now - 300 * DAY), tags: { team: 'finance' } });
  const mfa = createVirtualMfaDevice(world, mgmt, 'alice');
  enableMfaDevice(mgmt, mfa.serialNumber, 'alice', created);
  const aliceKey = createAccessKey(world, mgmt, 'alice', iso(now - 30 * DAY));
  aliceKey.lastUsed = { date: iso(now - DAY), service: 'sts', region: 'us-east-1' };
  const bobKey = createAccessKey(world, mgmt, 'bob', iso(now - 200 * DAY));
  bobKey.lastUsed = { date: iso(now - 120 * DAY), service: 'sts', region: 'us-east-1' };

  for (const stage of ['development', 'production']) {
    const member = members.find((m) => m.name === stage);
    if (!member) continue;
    const group = createGroup(world, mgmt, `${stage}_administrator`, { createDate: created });
    group.inlinePolicies[`assume-${stage}-administrator`] = allowDocument(
      'sts:AssumeRole',
      `arn:aws:iam::${member.id}:role/administrator`,
    );
    alice.groups.push(group.name);
  }
  const readers = createGroup(world, mgmt, 'readers', { createDate: created });
  readers.inlinePolicies['assume-crossbar-read-only'] = allowDocument('sts:AssumeRole', [
    'arn:aws:iam::*:role/CrossbarReadOnly',
    `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/CrossbarHub`,
  ]);
  readers.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
  alice.groups.push('readers');
  bob.groups.push('readers');

  // A hub role in the management account, for role chaining: person -> CrossbarHub -> CrossbarReadOnly.
  const hub = createRole(world, mgmt, 'CrossbarHub', {
    createDate: created,
    description: 'Hub for chained read-only access into member accounts',
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: { AWS: [alice.arn, bob.arn] },
        Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
      },
    ]),
  });
  hub.inlinePolicies['assume-member-read-only'] = allowDocument(
    'sts:AssumeRole',
    'arn:aws:iam::*:role/CrossbarReadOnly',
  );
}

/** A member account with the three cross-account roles of the seeds and some resources. */
export function seedMember(world: World, spec: MemberSpec, now: number): SandboxAccount {
  const parentId = ensureOu(world, spec.ou);
  const tags = { stage: spec.stage, ...(spec.color ? { color: spec.color } : {}), ...spec.tags };
  const account = emptyAccount(spec.id, spec.name, parentId, iso(now - 700 * DAY), tags, spec.optedInRegions ?? []);
  world.accounts[spec.id] = account;
  const created = iso(now - 365 * DAY);
  const mgmtRoot = `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:root`;
  const externalId = spec.externalId ? { StringEquals: { 'sts:ExternalId': spec.externalId } } : {};
  const actions = ['sts:AssumeRole', 'sts:SetSourceIdentity'];

  const admin = createRole(world, account, 'administrator', {
    createDate: created,
    description: 'Administrator access for people of the management account, with MFA',
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: { AWS: mgmtRoot },
        Action: actions,
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, ...externalId },
      },
    ]),
  });
  admin.attachedPolicies.push('arn:aws:iam::aws:policy/AdministratorAccess');

  const readOnly = createRole(world, account, 'CrossbarReadOnly', {
    createDate: created,
    maxSessionDuration: 43_200,
    description: 'Read-only access for crossbar',
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: {
          AWS: [
            `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:user/alice`,
            `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:user/bob`,
            `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:role/CrossbarHub`,
          ],
        },
        Action: actions,
        ...(spec.externalId ? { Condition: externalId } : {}),
      },
    ]),
  });
  readOnly.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');

  const orgAccess = createRole(world, account, 'OrganizationAccountAccessRole', {
    createDate: iso(now - 700 * DAY),
    trust: trustDocument([
      {
        Effect: 'Allow',
        Principal: { AWS: mgmtRoot },
        Action: 'sts:AssumeRole',
        ...(spec.externalId ? { Condition: externalId } : {}),
      },
    ]),
  });
  orgAccess.attachedPolicies.push('arn:aws:iam::aws:policy/AdministratorAccess');

  if (spec.unsafeRoles) {
    const open = createRole(world, account, 'legacy-public-access', {
      createDate: iso(now - 500 * DAY),
      description: 'UNSAFE: trusts everyone',
      trust: trustDocument([{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }]),
    });
    open.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
    const vendor = createRole(world, account, 'vendor-monitoring', {
      createDate: iso(now - 450 * DAY),
      description: 'UNSAFE: trusts a foreign account without ExternalId',
      trust: trustDocument([
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN_ACCOUNT_ID}:root` }, Action: 'sts:AssumeRole' },
      ]),
    });
    vendor.attachedPolicies.push('arn:aws:iam::aws:policy/ReadOnlyAccess');
  }
  seedResources(world, account, spec, now);
  seedWorkloads(world, account, spec, now);
  return account;
}

const INSTANCE_TYPES = ['t3.micro', 't3.small', 'm6i.large', 'c6g.xlarge'];

function seedResources(world: World, account: SandboxAccount, spec: MemberSpec, now: number): void {
  const regions = [...INSTANCE_REGIONS, ...(spec.optedInRegions ?? [])];
  regions.forEach((region, r) => {
    const vpcId = newResourceId(world, 'vpc');
    const subnetId = newResourceId(world, 'subnet');
    const list: Ec2Instance[] = [];
    const count = r === 0 ? 3 : 2;
    for (let i = 0; i < count; i += 1) {
      list.push({
        instanceId: newResourceId(world, 'i'),
        instanceType: INSTANCE_TYPES[(i + r) % INSTANCE_TYPES.length] ?? 't3.micro',
        imageId: newResourceId(world, 'ami'),
        state: i === count - 1 && r === 0 ? 'stopped' : 'running',
        launchTime: iso(now - (30 + i * 7 + r) * DAY),
        availabilityZone: `${region}${'abc'[i % 3]}`,
        privateIpAddress: `10.${r}.${i}.${10 + i}`,
        vpcId,
        subnetId,
        tags: { Name: `${spec.name}-${i === 0 ? 'web' : i === 1 ? 'worker' : 'batch'}-${i + 1}`, stage: spec.stage },
      });
    }
    account.instances[region] = list;
  });
  account.buckets.push(
    {
      name: `${spec.name}-logs-${spec.id}`,
      region: 'us-east-1',
      creationDate: iso(now - 600 * DAY),
      tags: { stage: spec.stage },
    },
    {
      name: `${spec.name}-assets-${spec.id}`,
      region: 'eu-west-1',
      creationDate: iso(now - 200 * DAY),
      tags: { stage: spec.stage },
    },
  );
}
