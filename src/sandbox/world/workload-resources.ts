import type { WorkloadCounts } from './types.js';
import { stableSha256Base64, stableUuid, type SeededRandom } from './seeded-random.js';
import type {
  ConfigRuleSpec,
  DbClusterSpec,
  DbInstanceSpec,
  DynamoTableSpec,
  EcsClusterSpec,
  EksClusterSpec,
  LambdaFunctionSpec,
} from './workloads.js';

/**
 * The builders behind `workloadsIn`: each draws from its own seeded generator, so adding a resource kind
 * never shifts the others. `WorkloadSeed.counts` trims or extends any list for load and paging tests.
 */

const DAY = 86_400_000;

const FUNCTION_NAMES = [
  'image-resizer',
  'nightly-report',
  'audit-forwarder',
  'webhook-handler',
  'token-refresher',
  'invoice-mailer',
];
const RUNTIMES = [
  { runtime: 'nodejs20.x', handler: 'index.handler' },
  { runtime: 'nodejs22.x', handler: 'index.handler' },
  { runtime: 'python3.12', handler: 'lambda_function.lambda_handler' },
  { runtime: 'java21', handler: 'com.example.Handler::handleRequest' },
] as const;
const TABLE_NAMES = ['sessions', 'events', 'feature-flags', 'carts', 'audit-log'];

/** What every builder needs to know about the account and the region. */
export interface Base {
  accountId: string;
  region: string;
  stage: string;
  prod: boolean;
  /** The account's first region, where most things run. */
  home: boolean;
  seededAt: number;
  tags: Record<string, string>;
  counts: WorkloadCounts;
}

const daysAgo = (base: Base, days: number, rnd: SeededRandom) =>
  base.seededAt - days * DAY - rnd.int(0, DAY / 1000) * 1000;

export function lambdaFunctions(base: Base, rnd: SeededRandom): LambdaFunctionSpec[] {
  const names =
    base.prod && base.home
      ? ['orders-api', ...rnd.sample(FUNCTION_NAMES, 2)]
      : rnd.sample(FUNCTION_NAMES, base.prod ? 2 : rnd.int(1, 3));
  const seeded = names.map((name) => lambdaFunction(base, rnd, name));
  return resize(seeded, base.counts.functions, (n) => lambdaFunction(base, rnd, `function-${n}`));
}

function lambdaFunction(base: Base, rnd: SeededRandom, name: string): LambdaFunctionSpec {
  const { runtime, handler } = name === 'orders-api' ? RUNTIMES[0] : rnd.pick(RUNTIMES);
  const suffix = rnd.text(8, 'abcdefghijklmnopqrstuvwxyz0123456789');
  return {
    name,
    arn: `arn:aws:lambda:${base.region}:${base.accountId}:function:${name}`,
    runtime,
    handler,
    role: `arn:aws:iam::${base.accountId}:role/service-role/${name}-role-${suffix}`,
    description: name === 'orders-api' ? 'Takes orders and writes them to the orders table' : '',
    codeSize: rnd.int(2_000, 9_000_000),
    memorySize: rnd.pick([128, 256, 512, 1024]),
    timeout: rnd.pick([3, 15, 30, 60, 300]),
    architecture: rnd.next() < 0.4 ? 'arm64' : 'x86_64',
    lastModified: daysAgo(base, rnd.int(1, 200), rnd),
    codeSha256: stableSha256Base64(`${base.accountId}:${base.region}:${name}:code`),
    revisionId: stableUuid(`${base.accountId}:${base.region}:${name}:revision`),
    environment: { STAGE: base.stage, ...(name === 'orders-api' ? { TABLE_NAME: 'orders' } : {}) },
    tags: { ...base.tags, 'managed-by': 'terraform' },
  };
}

/**
 * Trims or extends a derived list to an explicit count (`WorkloadSeed.counts`); extra items get numbered
 * names (`function-0004`) so that they sort after nothing in particular and never collide.
 */
function resize<T>(items: T[], count: number | undefined, extra: (name: string) => T): T[] {
  if (count === undefined) return items;
  const out = items.slice(0, count);
  for (let i = out.length; i < count; i += 1) out.push(extra(String(i + 1).padStart(4, '0')));
  return out;
}

function dbInstance(
  base: Base,
  rnd: SeededRandom,
  id: string,
  opts: Partial<DbInstanceSpec> & Pick<DbInstanceSpec, 'engine' | 'engineVersion' | 'instanceClass'>,
): DbInstanceSpec {
  return {
    id,
    arn: `arn:aws:rds:${base.region}:${base.accountId}:db:${id}`,
    allocatedStorage: opts.engine.startsWith('aurora') ? 1 : rnd.pick([20, 50, 100, 200]),
    multiAz: false,
    createdAt: daysAgo(base, rnd.int(60, 500), rnd),
    port: opts.engine.includes('mysql') ? 3306 : 5432,
    zone: `${base.region}${rnd.pick(['a', 'b', 'c'])}`,
    resourceId: `db-${rnd.text(26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
    deletionProtection: base.prod,
    tags: base.tags,
    ...opts,
  };
}

/** 0–2 instances: production has an orders database everywhere and an Aurora cluster at home. */
export function databases(base: Base, rnd: SeededRandom): { instances: DbInstanceSpec[]; clusters: DbClusterSpec[] } {
  const seeded = seededDatabases(base, rnd);
  const extra = (n: string) =>
    dbInstance(base, rnd, `db-${n}`, { engine: 'postgres', engineVersion: '16.3', instanceClass: 'db.t4g.micro' });
  const instances = resize(seeded.instances, base.counts.dbInstances, extra);
  // A cluster whose writer was trimmed away would point at nothing.
  const clusters = seeded.clusters.filter((c) => c.members.every((m) => instances.some((i) => i.id === m)));
  return { instances, clusters };
}

function seededDatabases(base: Base, rnd: SeededRandom): { instances: DbInstanceSpec[]; clusters: DbClusterSpec[] } {
  if (!base.prod) {
    if (rnd.next() < 0.5) return { instances: [], clusters: [] };
    const engine = rnd.pick([
      { engine: 'postgres', engineVersion: '16.3' },
      { engine: 'mysql', engineVersion: '8.0.39' },
    ]);
    return {
      instances: [dbInstance(base, rnd, 'app-db', { ...engine, instanceClass: 'db.t4g.micro', dbName: 'app' })],
      clusters: [],
    };
  }
  const orders = dbInstance(base, rnd, 'orders-db', {
    engine: 'postgres',
    engineVersion: '16.3',
    instanceClass: 'db.r6g.large',
    multiAz: true,
    dbName: 'orders',
  });
  if (!base.home) return { instances: [orders], clusters: [] };
  const cluster: DbClusterSpec = {
    id: 'analytics',
    arn: `arn:aws:rds:${base.region}:${base.accountId}:cluster:analytics`,
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    members: ['analytics-1'],
    createdAt: daysAgo(base, rnd.int(100, 400), rnd),
    resourceId: `cluster-${rnd.text(26, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
    port: 5432,
    databaseName: 'analytics',
    tags: base.tags,
  };
  const writer = dbInstance(base, rnd, 'analytics-1', {
    engine: 'aurora-postgresql',
    engineVersion: '16.4',
    instanceClass: 'db.r6g.xlarge',
    clusterId: 'analytics',
    createdAt: cluster.createdAt,
  });
  return { instances: [orders, writer], clusters: [cluster] };
}

export function ecsClusters(base: Base, rnd: SeededRandom): EcsClusterSpec[] {
  const seeded = [ecsCluster(base, rnd, `${base.stage}-services`)];
  return resize(seeded, base.counts.ecsClusters, (n) => ecsCluster(base, rnd, `cluster-${n}`));
}

function ecsCluster(base: Base, rnd: SeededRandom, name: string): EcsClusterSpec {
  const arn = `arn:aws:ecs:${base.region}:${base.accountId}:cluster/${name}`;
  const services = (base.prod ? ['web', 'worker'] : ['web']).map((service) => ({
    name: service,
    arn: `arn:aws:ecs:${base.region}:${base.accountId}:service/${name}/${service}`,
    desiredCount: base.prod ? rnd.int(2, 6) : 1,
    taskDefinition: `arn:aws:ecs:${base.region}:${base.accountId}:task-definition/${service}:${rnd.int(3, 40)}`,
    createdAt: daysAgo(base, rnd.int(20, 300), rnd),
  }));
  return { name, arn, services, tags: base.tags };
}

/** 0–1 clusters, at home only: production always, other stages by a coin toss. */
export function eksClusters(base: Base, rnd: SeededRandom): EksClusterSpec[] {
  const seeded =
    !base.home || (!base.prod && rnd.next() < 0.5)
      ? []
      : [eksCluster(base, rnd, base.prod ? 'platform' : `${base.stage}-platform`)];
  return resize(seeded, base.counts.eksClusters, (n) => eksCluster(base, rnd, `cluster-${n}`));
}

function eksCluster(base: Base, rnd: SeededRandom, name: string): EksClusterSpec {
  return {
    name,
    arn: `arn:aws:eks:${base.region}:${base.accountId}:cluster/${name}`,
    version: base.prod ? '1.31' : '1.32',
    platformVersion: base.prod ? 'eks.12' : 'eks.6',
    createdAt: daysAgo(base, rnd.int(90, 600), rnd),
    endpointId: rnd.text(32, '0123456789ABCDEF'),
    roleArn: `arn:aws:iam::${base.accountId}:role/eks-cluster-role`,
    tags: base.tags,
  };
}

function dynamoTable(base: Base, rnd: SeededRandom, name: string, provisioned: boolean): DynamoTableSpec {
  const itemCount = rnd.int(0, 2_000_000);
  return {
    name,
    arn: `arn:aws:dynamodb:${base.region}:${base.accountId}:table/${name}`,
    id: stableUuid(`${base.accountId}:${base.region}:${name}:table`),
    createdAt: daysAgo(base, rnd.int(30, 700), rnd),
    billing: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    readCapacity: provisioned ? 4000 : 0,
    writeCapacity: provisioned ? 500 : 0,
    itemCount: name === 'orders' ? 48_000_000 + itemCount : itemCount,
    sizeBytes: (name === 'orders' ? 48_000_000 + itemCount : itemCount) * rnd.int(180, 900),
    hashKey: name === 'orders' ? 'orderId' : 'pk',
    ...(name === 'orders' || rnd.next() < 0.5 ? { rangeKey: name === 'orders' ? 'createdAt' : 'sk' } : {}),
    deletionProtection: base.prod,
    tags: base.tags,
  };
}

/** 1–3 tables; production's us-east-1 has `orders`, provisioned high (the read-capacity cost spike). */
export function dynamoTables(base: Base, rnd: SeededRandom): DynamoTableSpec[] {
  const orders = base.prod && base.region === 'us-east-1';
  const names = rnd.sample(TABLE_NAMES, orders ? rnd.int(0, 2) : rnd.int(1, 3));
  const tables = names.map((name) => dynamoTable(base, rnd, name, false));
  if (orders) tables.push(dynamoTable(base, rnd, 'orders', true));
  return resize(tables, base.counts.tables, (n) => dynamoTable(base, rnd, `table-${n}`, false)).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/** Every workload region records; production also evaluates two AWS managed rules. */
export function configRules(base: Base, rnd: SeededRandom): ConfigRuleSpec[] {
  if (!base.prod) return [];
  const rules = [
    {
      name: 's3-bucket-public-read-prohibited',
      sourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED',
      resourceTypes: ['AWS::S3::Bucket'],
      description: 'Checks if your Amazon S3 buckets do not allow public read access.',
    },
    {
      name: 'rds-storage-encrypted',
      sourceIdentifier: 'RDS_STORAGE_ENCRYPTED',
      resourceTypes: ['AWS::RDS::DBInstance'],
      description: 'Checks if storage encryption is enabled for your RDS DB instances.',
    },
  ];
  return rules.map((rule) => {
    const id = `config-rule-${rnd.text(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
    return { ...rule, id, arn: `arn:aws:config:${base.region}:${base.accountId}:config-rule/${id}` };
  });
}
