import { ApiError } from '../api-error.js';
import { num, str, strList, type HandlerContext, type ServiceImpl } from '../service.js';
import type { EcsClusterSpec, EcsServiceSpec, RegionWorkloads } from '../world/workloads.js';
import { defaultGroupId } from './ec2-common.js';
import {
  decodeOffsetToken,
  encodeOffsetToken,
  gateWorkloads,
  lowerTagList,
  pageOf,
  regionalArn,
} from './workload-gate.js';

/**
 * ECS (protocol json 1.1), regional: the clusters and services of the caller's account in the signed
 * region. Describe calls report unknown names as `failures` with reason MISSING rather than as errors,
 * and a call without a cluster means the cluster called `default`, as on AWS.
 */

const DENIAL = { code: 'AccessDeniedException', status: 400 } as const;

function invalidParameter(message: string): ApiError {
  return new ApiError('InvalidParameterException', message, 400);
}

function gate(ctx: HandlerContext, operation: string, resource: string): RegionWorkloads {
  return gateWorkloads(ctx, { endpointPrefix: 'ecs', action: `ecs:${operation}`, resource, denial: DENIAL });
}

/** A cluster named by name or by ARN (`arn:aws:ecs:…:cluster/name`). */
const clusterName = (ref: string): string => (ref.startsWith('arn:') ? ref.slice(ref.indexOf('/') + 1) : ref);

/** ListClusters answers up to 100 by default, ListServices up to 10. */
function paged<T>(
  items: T[],
  input: Record<string, unknown>,
  operation: string,
  defaultSize: number,
): { items: T[]; nextToken?: string } {
  const max = num(input, 'maxResults');
  if (max !== undefined && (max < 1 || max > 100)) throw invalidParameter('maxResults must be between 1 and 100.');
  const token = str(input, 'nextToken');
  const offset = token === undefined ? 0 : decodeOffsetToken(token, operation);
  if (offset === undefined) throw invalidParameter('Invalid nextToken.');
  const page = pageOf(items, offset, max ?? defaultSize);
  return {
    items: page.items,
    ...(page.next === undefined ? {} : { nextToken: encodeOffsetToken(operation, page.next) }),
  };
}

function listClusters(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'ListClusters', '*');
  const page = paged(
    w.ecsClusters.map((c) => c.arn),
    input,
    'ListClusters',
    100,
  );
  return { clusterArns: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
}

function clusterShape(c: EcsClusterSpec, include: string[]): Record<string, unknown> {
  const running = c.services.reduce((sum, s) => sum + s.desiredCount, 0);
  return {
    clusterArn: c.arn,
    clusterName: c.name,
    status: 'ACTIVE',
    registeredContainerInstancesCount: 0,
    runningTasksCount: running,
    pendingTasksCount: 0,
    activeServicesCount: c.services.length,
    statistics: include.includes('STATISTICS')
      ? [
          { name: 'runningFargateTasksCount', value: String(running) },
          { name: 'activeFargateServiceCount', value: String(c.services.length) },
        ]
      : [],
    tags: include.includes('TAGS') ? lowerTagList(c.tags) : [],
    settings: include.includes('SETTINGS') ? [{ name: 'containerInsights', value: 'disabled' }] : [],
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    defaultCapacityProviderStrategy: [],
  };
}

function describeClusters(ctx: HandlerContext, input: Record<string, unknown>) {
  const refs = strList(input, 'clusters');
  const names = refs.length === 0 ? ['default'] : refs.map(clusterName);
  const w = gate(ctx, 'DescribeClusters', regionalArn(ctx, 'ecs', `cluster/${names[0] ?? 'default'}`));
  const include = strList(input, 'include');
  const found = names.flatMap((n) => w.ecsClusters.filter((c) => c.name === n));
  const missing = names.filter((n) => !w.ecsClusters.some((c) => c.name === n));
  return {
    clusters: found.map((c) => clusterShape(c, include)),
    failures: missing.map((n) => ({ arn: regionalArn(ctx, 'ecs', `cluster/${n}`), reason: 'MISSING' })),
  };
}

function findCluster(w: RegionWorkloads, input: Record<string, unknown>): EcsClusterSpec {
  const name = clusterName(str(input, 'cluster') ?? 'default');
  const cluster = w.ecsClusters.find((c) => c.name === name);
  if (!cluster) throw new ApiError('ClusterNotFoundException', 'Cluster not found.', 400);
  return cluster;
}

function listServices(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'ListServices', '*');
  const cluster = findCluster(w, input);
  const launchType = str(input, 'launchType');
  const services = cluster.services.filter(() => launchType === undefined || launchType === 'FARGATE');
  const page = paged(
    services.map((s) => s.arn),
    input,
    'ListServices',
    10,
  );
  return { serviceArns: page.items, ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }) };
}

function serviceShape(
  w: RegionWorkloads,
  c: EcsClusterSpec,
  s: EcsServiceSpec,
  include: string[],
): Record<string, unknown> {
  const network = w.network
    ? {
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [w.network.subnetId],
            securityGroups: [defaultGroupId(w.network.vpcId)],
            assignPublicIp: 'DISABLED',
          },
        },
      }
    : {};
  return {
    serviceArn: s.arn,
    serviceName: s.name,
    clusterArn: c.arn,
    loadBalancers: [],
    serviceRegistries: [],
    status: 'ACTIVE',
    desiredCount: s.desiredCount,
    runningCount: s.desiredCount,
    pendingCount: 0,
    launchType: 'FARGATE',
    platformVersion: 'LATEST',
    platformFamily: 'Linux',
    taskDefinition: s.taskDefinition,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: [],
    events: [],
    createdAt: new Date(s.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    ...network,
    schedulingStrategy: 'REPLICA',
    deploymentController: { type: 'ECS' },
    ...(include.includes('TAGS') ? { tags: lowerTagList(c.tags) } : {}),
    createdBy: `arn:aws:iam::${w.accountId}:role/administrator`,
    enableECSManagedTags: true,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
  };
}

function describeServices(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'DescribeServices', '*');
  const cluster = findCluster(w, input);
  const refs = strList(input, 'services');
  if (refs.length === 0) throw invalidParameter('Services cannot be empty.');
  const include = strList(input, 'include');
  const name = (ref: string) => (ref.startsWith('arn:') ? ref.slice(ref.lastIndexOf('/') + 1) : ref);
  const found = refs.flatMap((ref) => cluster.services.filter((s) => s.name === name(ref)));
  const missing = refs.filter((ref) => !cluster.services.some((s) => s.name === name(ref)));
  return {
    services: found.map((s) => serviceShape(w, cluster, s, include)),
    failures: missing.map((ref) => ({
      arn: regionalArn(ctx, 'ecs', `service/${cluster.name}/${name(ref)}`),
      reason: 'MISSING',
    })),
  };
}

const OPERATIONS = {
  ListClusters: listClusters,
  DescribeClusters: describeClusters,
  ListServices: listServices,
  DescribeServices: describeServices,
};

export const ecsService: ServiceImpl = {
  signingName: 'ecs',
  modelName: 'ecs',
  actionPrefix: 'ecs',
  operations: OPERATIONS,
  // Each operation checks the region before the policies, as AWS does (see workload-gate.ts).
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
};
