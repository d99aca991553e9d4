import { formatArn } from '../../arn.js';
import {
  at,
  flag,
  int,
  required,
  tagMap,
  text,
  type Item,
  type ResourceType,
  type SliceContext,
} from '../resource-type.js';

/** EC2's resources: the Describe* answers carry tags, so one paginated call per region is the whole slice. */

function ec2Arn(ctx: SliceContext, resource: string): string {
  return formatArn({
    partition: ctx.partition,
    service: 'ec2',
    region: ctx.region,
    accountId: ctx.accountId,
    resource,
  });
}

/** The `Name` tag, as the console shows it. */
function nameTag(item: Item): string | null {
  return tagMap(item['Tags'])['Name'] ?? null;
}

export const ec2Instances: ResourceType = {
  name: 'ec2_instances',
  title: 'EC2 instances',
  service: 'ec2',
  operation: 'DescribeInstances',
  listMember: ['Reservations', 'Instances'],
  scope: 'regional',
  arnOf: (item, ctx) => ec2Arn(ctx, `instance/${required(item, 'InstanceId')}`),
  nameOf: (item) => nameTag(item) ?? text(item['InstanceId']),
  tagsOf: (item) => tagMap(item['Tags']),
  columns: [
    { name: 'instance_id', type: 'TEXT', value: (i) => text(i['InstanceId']) },
    { name: 'state', type: 'TEXT', value: (i) => text(at(i, 'State', 'Name')) },
    { name: 'instance_type', type: 'TEXT', value: (i) => text(i['InstanceType']) },
    { name: 'image_id', type: 'TEXT', value: (i) => text(i['ImageId']) },
    { name: 'vpc_id', type: 'TEXT', value: (i) => text(i['VpcId']) },
    { name: 'subnet_id', type: 'TEXT', value: (i) => text(i['SubnetId']) },
    { name: 'private_ip', type: 'TEXT', value: (i) => text(i['PrivateIpAddress']) },
    { name: 'availability_zone', type: 'TEXT', value: (i) => text(at(i, 'Placement', 'AvailabilityZone')) },
    { name: 'launch_time', type: 'TEXT', value: (i) => text(i['LaunchTime']) },
  ],
};

export const ec2Vpcs: ResourceType = {
  name: 'ec2_vpcs',
  title: 'VPCs',
  service: 'ec2',
  operation: 'DescribeVpcs',
  listMember: ['Vpcs'],
  scope: 'regional',
  arnOf: (item, ctx) => ec2Arn(ctx, `vpc/${required(item, 'VpcId')}`),
  nameOf: (item) => nameTag(item) ?? text(item['VpcId']),
  tagsOf: (item) => tagMap(item['Tags']),
  columns: [
    { name: 'vpc_id', type: 'TEXT', value: (i) => text(i['VpcId']) },
    { name: 'cidr_block', type: 'TEXT', value: (i) => text(i['CidrBlock']) },
    { name: 'state', type: 'TEXT', value: (i) => text(i['State']) },
    { name: 'is_default', type: 'INTEGER', value: (i) => flag(i['IsDefault']) },
  ],
};

export const ec2SecurityGroups: ResourceType = {
  name: 'ec2_security_groups',
  title: 'security groups',
  service: 'ec2',
  operation: 'DescribeSecurityGroups',
  listMember: ['SecurityGroups'],
  scope: 'regional',
  arnOf: (item, ctx) => ec2Arn(ctx, `security-group/${required(item, 'GroupId')}`),
  nameOf: (item) => text(item['GroupName']) ?? text(item['GroupId']),
  tagsOf: (item) => tagMap(item['Tags']),
  columns: [
    { name: 'group_id', type: 'TEXT', value: (i) => text(i['GroupId']) },
    { name: 'group_name', type: 'TEXT', value: (i) => text(i['GroupName']) },
    { name: 'vpc_id', type: 'TEXT', value: (i) => text(i['VpcId']) },
    { name: 'description', type: 'TEXT', value: (i) => text(i['Description']) },
    {
      name: 'ingress_rules',
      type: 'INTEGER',
      value: (i) => (Array.isArray(i['IpPermissions']) ? i['IpPermissions'].length : null),
    },
    {
      name: 'egress_rules',
      type: 'INTEGER',
      value: (i) => (Array.isArray(i['IpPermissionsEgress']) ? i['IpPermissionsEgress'].length : null),
    },
  ],
};

export const ec2Volumes: ResourceType = {
  name: 'ec2_volumes',
  title: 'EBS volumes',
  service: 'ec2',
  operation: 'DescribeVolumes',
  listMember: ['Volumes'],
  scope: 'regional',
  arnOf: (item, ctx) => ec2Arn(ctx, `volume/${required(item, 'VolumeId')}`),
  nameOf: (item) => nameTag(item) ?? text(item['VolumeId']),
  tagsOf: (item) => tagMap(item['Tags']),
  columns: [
    { name: 'volume_id', type: 'TEXT', value: (i) => text(i['VolumeId']) },
    { name: 'size_gb', type: 'INTEGER', value: (i) => int(i['Size']) },
    { name: 'volume_type', type: 'TEXT', value: (i) => text(i['VolumeType']) },
    { name: 'state', type: 'TEXT', value: (i) => text(i['State']) },
    { name: 'encrypted', type: 'INTEGER', value: (i) => flag(i['Encrypted']) },
    { name: 'instance_id', type: 'TEXT', value: (i) => text(at(i, 'Attachments', '0', 'InstanceId')) },
    { name: 'availability_zone', type: 'TEXT', value: (i) => text(i['AvailabilityZone']) },
  ],
};
