import type { SandboxAccount, World } from './types.js';
import { seededRandom } from './seeded-random.js';
import {
  configRules,
  databases,
  dynamoTables,
  ecsClusters,
  eksClusters,
  lambdaFunctions,
  type Base,
} from './workload-resources.js';

/**
 * The workloads of one account in one region (Lambda functions, RDS, ECS, EKS, DynamoDB, Config), derived
 * on demand from the world's seed, the account and the region instead of being stored. A pure function:
 * two calls give equal answers, so pagination is stable, and a 5,000-account organization costs only a
 * small `WorkloadSeed` per account. Production accounts run more, and production's us-east-1 has the
 * `orders` DynamoDB table behind the Cost Explorer spike (see services/ce-bill.ts).
 */

export interface RegionNetwork {
  vpcId: string;
  subnetId: string;
}

export interface LambdaFunctionSpec {
  name: string;
  arn: string;
  runtime: string;
  handler: string;
  role: string;
  description: string;
  codeSize: number;
  memorySize: number;
  timeout: number;
  architecture: 'x86_64' | 'arm64';
  lastModified: number;
  codeSha256: string;
  revisionId: string;
  environment: Record<string, string>;
  tags: Record<string, string>;
}

export interface DbInstanceSpec {
  id: string;
  arn: string;
  engine: string;
  engineVersion: string;
  instanceClass: string;
  allocatedStorage: number;
  multiAz: boolean;
  createdAt: number;
  dbName?: string;
  port: number;
  zone: string;
  clusterId?: string;
  resourceId: string;
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export interface DbClusterSpec {
  id: string;
  arn: string;
  engine: string;
  engineVersion: string;
  members: string[];
  createdAt: number;
  resourceId: string;
  port: number;
  databaseName: string;
  tags: Record<string, string>;
}

export interface EcsServiceSpec {
  name: string;
  arn: string;
  desiredCount: number;
  taskDefinition: string;
  createdAt: number;
}

export interface EcsClusterSpec {
  name: string;
  arn: string;
  services: EcsServiceSpec[];
  tags: Record<string, string>;
}

export interface EksClusterSpec {
  name: string;
  arn: string;
  version: string;
  platformVersion: string;
  createdAt: number;
  endpointId: string;
  roleArn: string;
  tags: Record<string, string>;
}

export interface DynamoTableSpec {
  name: string;
  arn: string;
  id: string;
  createdAt: number;
  billing: 'PROVISIONED' | 'PAY_PER_REQUEST';
  readCapacity: number;
  writeCapacity: number;
  itemCount: number;
  sizeBytes: number;
  hashKey: string;
  rangeKey?: string;
  deletionProtection: boolean;
  tags: Record<string, string>;
}

export interface ConfigRuleSpec {
  name: string;
  id: string;
  arn: string;
  description: string;
  sourceIdentifier: string;
  resourceTypes: string[];
}

/** Read-only views: the lists are built lazily and shared by the calls of one request. */
export interface RegionWorkloads {
  accountId: string;
  region: string;
  stage: string;
  /** The VPC the account's EC2 instances use here; workloads attach to it. */
  network?: RegionNetwork;
  hostId: string;
  readonly functions: readonly LambdaFunctionSpec[];
  readonly dbInstances: readonly DbInstanceSpec[];
  readonly dbClusters: readonly DbClusterSpec[];
  readonly ecsClusters: readonly EcsClusterSpec[];
  readonly eksClusters: readonly EksClusterSpec[];
  readonly tables: readonly DynamoTableSpec[];
  configRecorder: boolean;
  readonly configRules: readonly ConfigRuleSpec[];
}

function emptyWorkloads(accountId: string, region: string, stage: string): RegionWorkloads {
  return {
    accountId,
    region,
    stage,
    hostId: '',
    functions: [],
    dbInstances: [],
    dbClusters: [],
    ecsClusters: [],
    eksClusters: [],
    tables: [],
    configRecorder: false,
    configRules: [],
  };
}

/** The workloads of `account` in `region`: none for accounts or regions without a workload seed. */
export function workloadsIn(world: World, account: SandboxAccount | undefined, region: string): RegionWorkloads {
  const seed = account?.workloads;
  if (!account || !seed) return emptyWorkloads(account?.id ?? '', region, '');
  const regionIndex = seed.regions.indexOf(region);
  if (regionIndex < 0) return emptyWorkloads(account.id, region, seed.stage);
  const key = `${world.seed}:${account.id}:${region}`;
  const base: Base = {
    accountId: account.id,
    region,
    stage: seed.stage,
    prod: seed.stage === 'prod',
    home: regionIndex === 0,
    seededAt: Date.parse(seed.seededAt),
    tags: { stage: seed.stage },
    counts: seed.counts ?? {},
  };
  const first = account.instances[region]?.[0];
  const network = first ? { vpcId: first.vpcId, subnetId: first.subnetId } : undefined;
  // Each kind is built on first use: a ListTables call pays for tables only.
  const once = <T>(make: () => T): (() => T) => {
    let value: T | undefined;
    return () => (value ??= make());
  };
  const dbs = once(() => databases(base, seededRandom(`${key}:rds`)));
  const functions = once(() => lambdaFunctions(base, seededRandom(`${key}:lambda`)));
  const ecs = once(() => ecsClusters(base, seededRandom(`${key}:ecs`)));
  const eks = once(() => eksClusters(base, seededRandom(`${key}:eks`)));
  const tables = once(() => dynamoTables(base, seededRandom(`${key}:dynamodb`)));
  const rules = once(() => configRules(base, seededRandom(`${key}:config`)));
  return {
    accountId: account.id,
    region,
    stage: seed.stage,
    ...(network ? { network } : {}),
    hostId: seededRandom(`${key}:host`).text(12, 'abcdefghijklmnopqrstuvwxyz0123456789'),
    get functions() {
      return functions();
    },
    get dbInstances() {
      return dbs().instances;
    },
    get dbClusters() {
      return dbs().clusters;
    },
    get ecsClusters() {
      return ecs();
    },
    get eksClusters() {
      return eks();
    },
    get tables() {
      return tables();
    },
    configRecorder: true,
    get configRules() {
      return rules();
    },
  };
}
