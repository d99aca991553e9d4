import { CrossbarError } from '../errors.js';
import { didYouMean, nearestNames, normalizeName } from './suggest.js';

/**
 * The AWS services crossbar ships clients for: crossbar's name (the AWS CLI's, mostly), the SDK v3 package
 * and its client class. Packages are imported lazily, so a command that talks to STS never loads EC2's
 * 5 MB client.
 */
export interface ServiceSpec {
  name: string;
  package: string;
  clientClass: string;
  aliases: readonly string[];
  /** IAM, Organizations and Cost Explorer have one endpoint; their calls are signed for us-east-1. */
  global?: boolean;
  /**
   * Operations of a regional service that answer the same in every region, for the whole account: S3's
   * ListBuckets lists every bucket of the account wherever it is asked.
   */
  globalOperations?: readonly string[];
}

export const SERVICES: readonly ServiceSpec[] = [
  { name: 'sts', package: '@aws-sdk/client-sts', clientClass: 'STSClient', aliases: [] },
  { name: 'iam', package: '@aws-sdk/client-iam', clientClass: 'IAMClient', aliases: [], global: true },
  {
    name: 'organizations',
    package: '@aws-sdk/client-organizations',
    clientClass: 'OrganizationsClient',
    aliases: ['org', 'orgs'],
    global: true,
  },
  { name: 'ec2', package: '@aws-sdk/client-ec2', clientClass: 'EC2Client', aliases: [] },
  {
    name: 's3',
    package: '@aws-sdk/client-s3',
    clientClass: 'S3Client',
    aliases: ['s3api'],
    globalOperations: ['ListBuckets'],
  },
  { name: 'lambda', package: '@aws-sdk/client-lambda', clientClass: 'LambdaClient', aliases: [] },
  { name: 'rds', package: '@aws-sdk/client-rds', clientClass: 'RDSClient', aliases: [] },
  { name: 'cloudtrail', package: '@aws-sdk/client-cloudtrail', clientClass: 'CloudTrailClient', aliases: [] },
  {
    name: 'cost-explorer',
    package: '@aws-sdk/client-cost-explorer',
    clientClass: 'CostExplorerClient',
    aliases: ['ce'],
    global: true,
  },
  {
    name: 'config',
    package: '@aws-sdk/client-config-service',
    clientClass: 'ConfigServiceClient',
    aliases: ['configservice', 'config-service'],
  },
  { name: 'ecs', package: '@aws-sdk/client-ecs', clientClass: 'ECSClient', aliases: [] },
  { name: 'eks', package: '@aws-sdk/client-eks', clientClass: 'EKSClient', aliases: [] },
  { name: 'dynamodb', package: '@aws-sdk/client-dynamodb', clientClass: 'DynamoDBClient', aliases: ['ddb'] },
];

export function serviceNames(): string[] {
  return SERVICES.map((s) => s.name);
}

/** The service a user named (`ec2`, `EC2`, `ce`, `config-service`); USAGE with the closest names otherwise. */
export function resolveService(name: string): ServiceSpec {
  const wanted = normalizeName(name);
  const spec = SERVICES.find(
    (s) => normalizeName(s.name) === wanted || s.aliases.some((a) => normalizeName(a) === wanted),
  );
  if (spec) return spec;
  const near = nearestNames(
    name,
    SERVICES.flatMap((s) => [s.name, ...s.aliases]),
  );
  const suggestion = didYouMean([
    ...new Set(near.map((n) => SERVICES.find((s) => s.name === n || s.aliases.includes(n))?.name ?? n)),
  ]);
  throw new CrossbarError('USAGE', `Unknown service '${name}'`, {
    hint: `${suggestion ? `${suggestion} ` : ''}crossbar ships clients for ${serviceNames().join(', ')}`,
  });
}

/** The region a partition's global services answer in: us-east-1 on AWS, us-gov-west-1, cn-north-1. */
const GLOBAL_REGIONS: Readonly<Record<string, string>> = {
  aws: 'us-east-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-cn': 'cn-north-1',
};

export function globalRegionOf(partition: string): string {
  return GLOBAL_REGIONS[partition] ?? 'us-east-1';
}

/**
 * An operation whose answer is the account's whatever the region (IAM, Organizations, Cost Explorer, S3's
 * ListBuckets): a run calls it once per account, in the partition's global region, not once per region.
 */
export function isGlobalOperation(service: ServiceSpec, operation: string): boolean {
  return service.global === true || (service.globalOperations ?? []).includes(operation);
}
