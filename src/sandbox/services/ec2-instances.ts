import { ApiError } from '../api-error.js';
import { strList, type HandlerContext } from '../service.js';
import type { Ec2Instance } from '../world/types.js';
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

/** EC2's instance state codes (the low byte of `instanceState.code`). */
const STATE_CODES: Readonly<Record<string, number>> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

/** Graviton families end their generation with `g` (t4g, m7g, c6g, c6gn): they run arm64. */
export function architectureOf(instanceType: string): 'arm64' | 'x86_64' {
  const family = instanceType.split('.')[0] ?? '';
  return /^[a-z]+\d+g[a-z]*$/.test(family) ? 'arm64' : 'x86_64';
}

/** us-east-1 keeps the historical `ec2.internal` domain; every other region uses `<region>.compute.internal`. */
function privateDnsName(region: string, ip: string): string {
  const host = `ip-${ip.replace(/\./g, '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

export const reservationIdOf = (instanceId: string): string => derivedId('r', instanceId);

const INSTANCE_FILTERS: FilterFields<Ec2Instance> = {
  'instance-id': (i) => [i.instanceId],
  'instance-type': (i) => [i.instanceType],
  'instance-state-name': (i) => [i.state],
  'instance-state-code': (i) => [String(STATE_CODES[i.state] ?? 0)],
  'image-id': (i) => [i.imageId],
  'vpc-id': (i) => (i.state === 'terminated' ? [] : [i.vpcId]),
  'subnet-id': (i) => (i.state === 'terminated' ? [] : [i.subnetId]),
  'availability-zone': (i) => [i.availabilityZone],
  'placement-availability-zone': (i) => [i.availabilityZone],
  'private-ip-address': (i) => (i.state === 'terminated' ? [] : [i.privateIpAddress]),
  'network-interface.addresses.private-ip-address': (i) => (i.state === 'terminated' ? [] : [i.privateIpAddress]),
  architecture: (i) => [architectureOf(i.instanceType)],
  'reservation-id': (i) => [reservationIdOf(i.instanceId)],
  'launch-time': (i) => [i.launchTime],
  'root-device-type': () => ['ebs'],
  'platform-details': () => ['Linux/UNIX'],
};

/** The Instance shape of the model; a terminated instance has lost its network and its volume, as on AWS. */
function instanceOutput(region: string, instance: Ec2Instance): Record<string, unknown> {
  const terminated = instance.state === 'terminated';
  const launchTime = new Date(instance.launchTime);
  const network = terminated
    ? { PrivateDnsName: '' }
    : {
        PrivateDnsName: privateDnsName(region, instance.privateIpAddress),
        PrivateIpAddress: instance.privateIpAddress,
        SubnetId: instance.subnetId,
        VpcId: instance.vpcId,
        SecurityGroups: [{ GroupId: defaultGroupId(instance.vpcId), GroupName: 'default' }],
        BlockDeviceMappings: [
          {
            DeviceName: ROOT_DEVICE,
            Ebs: {
              AttachTime: launchTime,
              DeleteOnTermination: true,
              Status: 'attached',
              VolumeId: rootVolumeId(instance.instanceId),
            },
          },
        ],
        SourceDestCheck: true,
      };
  return {
    InstanceId: instance.instanceId,
    ImageId: instance.imageId,
    InstanceType: instance.instanceType,
    State: { Code: STATE_CODES[instance.state] ?? 0, Name: instance.state },
    LaunchTime: launchTime,
    Placement: { AvailabilityZone: instance.availabilityZone, GroupName: '', Tenancy: 'default' },
    PublicDnsName: '',
    StateTransitionReason: instance.state === 'stopped' ? 'User initiated' : '',
    ...(instance.state === 'stopped'
      ? {
          StateReason: {
            Code: 'Client.UserInitiatedShutdown',
            Message: 'Client.UserInitiatedShutdown: User initiated shutdown',
          },
        }
      : {}),
    AmiLaunchIndex: 0,
    ProductCodes: [],
    Monitoring: { State: 'disabled' },
    Architecture: architectureOf(instance.instanceType),
    Hypervisor: 'xen',
    VirtualizationType: 'hvm',
    RootDeviceName: ROOT_DEVICE,
    RootDeviceType: 'ebs',
    EbsOptimized: false,
    EnaSupport: true,
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    UsageOperationUpdateTime: launchTime,
    Tags: tagList(instance.tags),
    ...network,
  };
}

function notFound(missing: string[]): ApiError {
  const message =
    missing.length === 1
      ? `The instance ID '${missing[0] ?? ''}' does not exist`
      : `The instance IDs '${missing.join(', ')}' do not exist`;
  return new ApiError('InvalidInstanceID.NotFound', message, 400);
}

/** DescribeInstances over the caller's account in the signed region: one reservation per instance. */
export function describeInstances(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = authorizeEc2(ctx, 'DescribeInstances', input);
  const all = account?.instances[ctx.region] ?? [];
  const ids = strList(input, 'InstanceIds');
  checkIdsWellFormed(ids, 'i', 'InvalidInstanceID.Malformed');
  rejectIdsWithMaxResults(input, 'InstanceIds', 'instancesSet');
  const matches = filterPredicate(parseFilters(input), INSTANCE_FILTERS, (i) => i.tags);
  if (ids.length > 0) {
    const missing = ids.filter((id) => !all.some((i) => i.instanceId === id));
    if (missing.length > 0) throw notFound(missing);
  }
  const selected = all.filter((i) => (ids.length === 0 || ids.includes(i.instanceId)) && matches(i));
  const page = paginate(selected, input, 'DescribeInstances');
  return {
    Reservations: page.items.map((instance) => ({
      ReservationId: reservationIdOf(instance.instanceId),
      OwnerId: ctx.caller.accountId,
      Groups: [],
      Instances: [instanceOutput(ctx.region, instance)],
    })),
    ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }),
  };
}
