import { defaultGroupId } from './ec2-common.js';
import { tagList } from './workload-gate.js';
import type { DbClusterSpec, DbInstanceSpec, RegionWorkloads } from '../world/workloads.js';

/**
 * The DBInstance and DBCluster shapes of DescribeDBInstances and DescribeDBClusters, filled the way RDS
 * fills them for a running PostgreSQL, MySQL or Aurora database in a VPC. Instances sit in the VPC and
 * subnet of the account's EC2 instances, behind the VPC's default security group.
 */

const HOSTED_ZONE_IDS: Readonly<Record<string, string>> = {
  'us-east-1': 'Z2R2ITUGPM61AM',
  'eu-west-1': 'Z29XKXDKYMONMX',
};
const hostedZoneId = (region: string) => HOSTED_ZONE_IDS[region] ?? 'Z1TTGA775OQIYO';

const MAJOR = (version: string) => version.split('.')[0] ?? version;

function parameterGroupFamily(engine: string, version: string): string {
  if (engine === 'aurora-postgresql') return `default.aurora-postgresql${MAJOR(version)}`;
  if (engine === 'mysql') return `default.mysql${version.split('.').slice(0, 2).join('.')}`;
  return `default.postgres${MAJOR(version)}`;
}

function optionGroup(engine: string, version: string): string {
  if (engine === 'mysql') return `default:mysql-${version.split('.').slice(0, 2).join('-')}`;
  return `default:${engine}-${MAJOR(version)}`;
}

function subnetGroup(w: RegionWorkloads, zone: string) {
  const vpcId = w.network?.vpcId ?? '';
  return {
    DBSubnetGroupName: `default-${vpcId}`,
    DBSubnetGroupDescription: 'Created from the RDS Management Console',
    VpcId: vpcId,
    SubnetGroupStatus: 'Complete',
    Subnets: w.network
      ? [
          {
            SubnetIdentifier: w.network.subnetId,
            SubnetAvailabilityZone: { Name: zone },
            SubnetOutpost: {},
            SubnetStatus: 'Active',
          },
        ]
      : [],
    SupportedNetworkTypes: ['IPV4'],
  };
}

const kmsKey = (w: RegionWorkloads) =>
  `arn:aws:kms:${w.region}:${w.accountId}:key/${w.hostId.slice(0, 8)}-0000-4000-8000-${w.hostId}`;
const securityGroups = (w: RegionWorkloads) =>
  w.network ? [{ VpcSecurityGroupId: defaultGroupId(w.network.vpcId), Status: 'active' }] : [];

export function dbInstanceShape(w: RegionWorkloads, db: DbInstanceSpec, now: number): Record<string, unknown> {
  const aurora = db.clusterId !== undefined;
  return {
    DBInstanceIdentifier: db.id,
    DBInstanceClass: db.instanceClass,
    Engine: db.engine,
    DBInstanceStatus: 'available',
    MasterUsername: 'dbadmin',
    ...(db.dbName && !aurora ? { DBName: db.dbName } : {}),
    Endpoint: {
      Address: `${db.id}.${w.hostId}.${w.region}.rds.amazonaws.com`,
      Port: db.port,
      HostedZoneId: hostedZoneId(w.region),
    },
    AllocatedStorage: db.allocatedStorage,
    InstanceCreateTime: new Date(db.createdAt),
    PreferredBackupWindow: '03:00-03:30',
    BackupRetentionPeriod: aurora ? 1 : 7,
    DBSecurityGroups: [],
    VpcSecurityGroups: securityGroups(w),
    DBParameterGroups: [
      { DBParameterGroupName: parameterGroupFamily(db.engine, db.engineVersion), ParameterApplyStatus: 'in-sync' },
    ],
    AvailabilityZone: db.zone,
    DBSubnetGroup: subnetGroup(w, db.zone),
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    PendingModifiedValues: {},
    ...(aurora ? {} : { LatestRestorableTime: new Date(now - 5 * 60_000) }),
    MultiAZ: db.multiAz,
    EngineVersion: db.engineVersion,
    AutoMinorVersionUpgrade: true,
    ReadReplicaDBInstanceIdentifiers: [],
    ReadReplicaDBClusterIdentifiers: [],
    LicenseModel: db.engine === 'mysql' ? 'general-public-license' : 'postgresql-license',
    OptionGroupMemberships: [{ OptionGroupName: optionGroup(db.engine, db.engineVersion), Status: 'in-sync' }],
    ...(db.multiAz ? { SecondaryAvailabilityZone: db.zone.endsWith('a') ? `${w.region}b` : `${w.region}a` } : {}),
    PubliclyAccessible: false,
    StorageType: aurora ? 'aurora' : 'gp3',
    DbInstancePort: 0,
    ...(aurora ? { DBClusterIdentifier: db.clusterId, PromotionTier: 1 } : {}),
    StorageEncrypted: true,
    KmsKeyId: kmsKey(w),
    DbiResourceId: db.resourceId,
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    DomainMemberships: [],
    CopyTagsToSnapshot: true,
    MonitoringInterval: 0,
    DBInstanceArn: db.arn,
    IAMDatabaseAuthenticationEnabled: false,
    PerformanceInsightsEnabled: false,
    DeletionProtection: db.deletionProtection,
    AssociatedRoles: [],
    TagList: tagList(db.tags),
    CustomerOwnedIpEnabled: false,
    BackupTarget: 'region',
    NetworkType: 'IPV4',
    ...(aurora ? {} : { Iops: 3000, StorageThroughput: 125 }),
    CertificateDetails: { CAIdentifier: 'rds-ca-rsa2048-g1', ValidTill: new Date(db.createdAt + 395 * 86_400_000) },
    DedicatedLogVolume: false,
    IsStorageConfigUpgradeAvailable: false,
  };
}

export function dbClusterShape(w: RegionWorkloads, c: DbClusterSpec, now: number): Record<string, unknown> {
  const zones = ['a', 'b', 'c'].map((z) => `${w.region}${z}`);
  return {
    AllocatedStorage: 1,
    AvailabilityZones: zones,
    BackupRetentionPeriod: 7,
    DatabaseName: c.databaseName,
    DBClusterIdentifier: c.id,
    DBClusterParameterGroup: parameterGroupFamily(c.engine, c.engineVersion),
    DBSubnetGroup: `default-${w.network?.vpcId ?? ''}`,
    Status: 'available',
    EarliestRestorableTime: new Date(now - 7 * 86_400_000),
    Endpoint: `${c.id}.cluster-${w.hostId}.${w.region}.rds.amazonaws.com`,
    ReaderEndpoint: `${c.id}.cluster-ro-${w.hostId}.${w.region}.rds.amazonaws.com`,
    MultiAZ: false,
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    LatestRestorableTime: new Date(now - 5 * 60_000),
    Port: c.port,
    MasterUsername: 'dbadmin',
    DBClusterOptionGroupMemberships: [],
    PreferredBackupWindow: '03:00-03:30',
    PreferredMaintenanceWindow: 'sun:05:00-sun:05:30',
    ReadReplicaIdentifiers: [],
    DBClusterMembers: c.members.map((id, i) => ({
      DBInstanceIdentifier: id,
      IsClusterWriter: i === 0,
      DBClusterParameterGroupStatus: 'in-sync',
      PromotionTier: 1,
    })),
    VpcSecurityGroups: securityGroups(w),
    HostedZoneId: hostedZoneId(w.region),
    StorageEncrypted: true,
    KmsKeyId: kmsKey(w),
    DbClusterResourceId: c.resourceId,
    DBClusterArn: c.arn,
    AssociatedRoles: [],
    IAMDatabaseAuthenticationEnabled: false,
    ClusterCreateTime: new Date(c.createdAt),
    EngineMode: 'provisioned',
    DeletionProtection: true,
    HttpEndpointEnabled: false,
    CopyTagsToSnapshot: true,
    CrossAccountClone: false,
    DomainMemberships: [],
    TagList: tagList(c.tags),
    AutoMinorVersionUpgrade: true,
    NetworkType: 'IPV4',
    StorageType: 'aurora',
  };
}
