import { ApiError } from '../api-error.js';
import { strList, type HandlerContext } from '../service.js';
import type { Ec2Instance, SandboxAccount } from '../world/types.js';
import {
  ROOT_DEVICE,
  authorizeEc2,
  checkIdsWellFormed,
  defaultGroupId,
  derivedId,
  filterPredicate,
  paginate,
  parseFilters,
  rejectIdsWithMaxResults,
  rootVolumeId,
  tagList,
  type FilterFields,
} from './ec2-common.js';

/**
 * VPCs, security groups and volumes are not stored: they follow from the instances of a region (each
 * instance names its VPC and subnet; a VPC has its default security group; an instance its root volume),
 * so the inventory stays consistent with DescribeInstances whatever the seed.
 */

interface DerivedVpc {
  vpcId: string;
  cidrBlock: string;
  tags: Record<string, string>;
}

interface DerivedGroup {
  groupId: string;
  vpcId: string;
}

function regionInstances(account: SandboxAccount | undefined, region: string): Ec2Instance[] {
  return account?.instances[region] ?? [];
}

function vpcsOf(account: SandboxAccount | undefined, region: string): DerivedVpc[] {
  const vpcs = new Map<string, DerivedVpc>();
  for (const instance of regionInstances(account, region)) {
    if (vpcs.has(instance.vpcId)) continue;
    // The /16 that holds the first instance's address.
    const [a = '10', b = '0'] = instance.privateIpAddress.split('.');
    vpcs.set(instance.vpcId, {
      vpcId: instance.vpcId,
      cidrBlock: `${a}.${b}.0.0/16`,
      tags: { Name: `${account?.name ?? 'sandbox'}-${region}` },
    });
  }
  return [...vpcs.values()];
}

function notFound(code: string, describe: (id: string) => string, all: readonly string[], wanted: string[]): void {
  const missing = wanted.find((id) => !all.includes(id));
  if (missing !== undefined) throw new ApiError(code, describe(missing), 400);
}

function withToken<T extends object>(body: T, nextToken: string | undefined): T & { NextToken?: string } {
  return nextToken === undefined ? body : { ...body, NextToken: nextToken };
}

const VPC_FILTERS: FilterFields<DerivedVpc> = {
  'vpc-id': (v) => [v.vpcId],
  cidr: (v) => [v.cidrBlock],
  'cidr-block-association.cidr-block': (v) => [v.cidrBlock],
  state: () => ['available'],
  'is-default': () => ['false'],
  'dhcp-options-id': (v) => [derivedId('dopt', v.vpcId)],
};

export function describeVpcs(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = authorizeEc2(ctx, 'DescribeVpcs', input);
  const vpcs = vpcsOf(account, ctx.region);
  const ids = strList(input, 'VpcIds');
  checkIdsWellFormed(ids, 'vpc', 'InvalidVpcID.Malformed');
  const fields: FilterFields<DerivedVpc> = { ...VPC_FILTERS, 'owner-id': () => [ctx.caller.accountId] };
  const matches = filterPredicate(parseFilters(input), fields, (v) => v.tags);
  notFound(
    'InvalidVpcID.NotFound',
    (id) => `The vpc ID '${id}' does not exist`,
    vpcs.map((v) => v.vpcId),
    ids,
  );
  const page = paginate(
    vpcs.filter((v) => (ids.length === 0 || ids.includes(v.vpcId)) && matches(v)),
    input,
    'DescribeVpcs',
  );
  return withToken(
    {
      Vpcs: page.items.map((v) => ({
        VpcId: v.vpcId,
        OwnerId: ctx.caller.accountId,
        State: 'available',
        CidrBlock: v.cidrBlock,
        CidrBlockAssociationSet: [
          {
            AssociationId: derivedId('vpc-cidr-assoc', v.vpcId),
            CidrBlock: v.cidrBlock,
            CidrBlockState: { State: 'associated' },
          },
        ],
        DhcpOptionsId: derivedId('dopt', v.vpcId),
        InstanceTenancy: 'default',
        IsDefault: false,
        Tags: tagList(v.tags),
      })),
    },
    page.nextToken,
  );
}

const GROUP_FILTERS: FilterFields<DerivedGroup> = {
  'group-id': (g) => [g.groupId],
  'group-name': () => ['default'],
  'vpc-id': (g) => [g.vpcId],
  description: () => ['default VPC security group'],
};

export function describeSecurityGroups(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = authorizeEc2(ctx, 'DescribeSecurityGroups', input);
  const groups = vpcsOf(account, ctx.region).map((v) => ({ groupId: defaultGroupId(v.vpcId), vpcId: v.vpcId }));
  const ids = strList(input, 'GroupIds');
  const names = strList(input, 'GroupNames');
  checkIdsWellFormed(ids, 'sg', 'InvalidGroupId.Malformed');
  const fields: FilterFields<DerivedGroup> = { ...GROUP_FILTERS, 'owner-id': () => [ctx.caller.accountId] };
  const matches = filterPredicate(parseFilters(input), fields, () => ({}));
  notFound(
    'InvalidGroup.NotFound',
    (id) => `The security group '${id}' does not exist`,
    groups.map((g) => g.groupId),
    ids,
  );
  notFound(
    'InvalidGroup.NotFound',
    (name) => `The security group '${name}' does not exist`,
    groups.length > 0 ? ['default'] : [],
    names,
  );
  const selected = groups.filter((g) => (ids.length === 0 || ids.includes(g.groupId)) && matches(g));
  const page = paginate(selected, input, 'DescribeSecurityGroups');
  const owner = ctx.caller.accountId;
  return withToken(
    {
      SecurityGroups: page.items.map((g) => ({
        GroupId: g.groupId,
        GroupName: 'default',
        Description: 'default VPC security group',
        VpcId: g.vpcId,
        OwnerId: owner,
        SecurityGroupArn: `arn:aws:ec2:${ctx.region}:${owner}:security-group/${g.groupId}`,
        // AWS's default group: all traffic from members of the group in, everything out.
        IpPermissions: [
          {
            IpProtocol: '-1',
            UserIdGroupPairs: [{ GroupId: g.groupId, UserId: owner }],
            IpRanges: [],
            Ipv6Ranges: [],
            PrefixListIds: [],
          },
        ],
        IpPermissionsEgress: [
          {
            IpProtocol: '-1',
            UserIdGroupPairs: [],
            IpRanges: [{ CidrIp: '0.0.0.0/0' }],
            Ipv6Ranges: [],
            PrefixListIds: [],
          },
        ],
        Tags: [],
      })),
    },
    page.nextToken,
  );
}

const VOLUME_FILTERS: FilterFields<Ec2Instance> = {
  'volume-id': (i) => [rootVolumeId(i.instanceId)],
  'attachment.instance-id': (i) => [i.instanceId],
  'attachment.device': () => [ROOT_DEVICE],
  'attachment.status': () => ['attached'],
  'attachment.delete-on-termination': () => ['true'],
  'availability-zone': (i) => [i.availabilityZone],
  status: () => ['in-use'],
  'volume-type': () => ['gp3'],
  size: () => ['8'],
  encrypted: () => ['false'],
  'snapshot-id': (i) => [derivedId('snap', i.imageId)],
  'create-time': (i) => [i.launchTime],
};

/** One 8 GiB gp3 root volume per instance; a terminated instance's volume was deleted with it. */
export function describeVolumes(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = authorizeEc2(ctx, 'DescribeVolumes', input);
  const owners = regionInstances(account, ctx.region).filter((i) => i.state !== 'terminated');
  const ids = strList(input, 'VolumeIds');
  checkIdsWellFormed(ids, 'vol', 'InvalidVolumeID.Malformed');
  rejectIdsWithMaxResults(input, 'VolumeIds', 'volumeSet');
  const matches = filterPredicate(parseFilters(input), VOLUME_FILTERS, () => ({}));
  notFound(
    'InvalidVolume.NotFound',
    (id) => `The volume '${id}' does not exist.`,
    owners.map((i) => rootVolumeId(i.instanceId)),
    ids,
  );
  const selected = owners.filter((i) => (ids.length === 0 || ids.includes(rootVolumeId(i.instanceId))) && matches(i));
  const page = paginate(selected, input, 'DescribeVolumes');
  return withToken(
    {
      Volumes: page.items.map((i) => {
        const volumeId = rootVolumeId(i.instanceId);
        const created = new Date(i.launchTime);
        return {
          VolumeId: volumeId,
          Size: 8,
          SnapshotId: derivedId('snap', i.imageId),
          AvailabilityZone: i.availabilityZone,
          State: 'in-use',
          CreateTime: created,
          Attachments: [
            {
              AttachTime: created,
              Device: ROOT_DEVICE,
              InstanceId: i.instanceId,
              State: 'attached',
              VolumeId: volumeId,
              DeleteOnTermination: true,
            },
          ],
          Encrypted: false,
          VolumeType: 'gp3',
          Iops: 3000,
          Throughput: 125,
          MultiAttachEnabled: false,
          Tags: [],
        };
      }),
    },
    page.nextToken,
  );
}
