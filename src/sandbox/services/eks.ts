import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { str, type HandlerContext, type ServiceImpl } from '../service.js';
import type { EksClusterSpec, RegionWorkloads } from '../world/workloads.js';
import { defaultGroupId, derivedId } from './ec2-common.js';
import {
  byName,
  decodeOffsetToken,
  encodeOffsetToken,
  gateWorkloads,
  pageOf,
  queryInteger,
  regionalArn,
} from './workload-gate.js';

/**
 * EKS (protocol rest-json), regional: `GET /clusters` lists cluster names (maxResults 1 to 100, default
 * 100, nextToken), `GET /clusters/{name}` describes one. Denials name `cluster/*` or the cluster's ARN.
 */

const DENIAL = { code: 'AccessDeniedException', status: 403 } as const;

function gate(ctx: HandlerContext, operation: string, resource: string): RegionWorkloads {
  return gateWorkloads(ctx, {
    endpointPrefix: 'eks',
    action: `eks:${operation}`,
    resource,
    denial: DENIAL,
    invalidTokenStatus: 403,
  });
}

function invalidParameter(message: string): ApiError {
  return new ApiError('InvalidParameterException', message, 400);
}

function listClusters(ctx: HandlerContext, input: Record<string, unknown>) {
  const w = gate(ctx, 'ListClusters', regionalArn(ctx, 'eks', 'cluster/*'));
  const max = queryInteger(input['maxResults']);
  if (max !== undefined && !(max >= 1 && max <= 100)) throw invalidParameter('maxResults must be between 1 and 100');
  const token = str(input, 'nextToken');
  const offset = token === undefined ? 0 : decodeOffsetToken(token, 'ListClusters');
  if (offset === undefined) throw invalidParameter('The nextToken is invalid.');
  const page = pageOf([...w.eksClusters].sort(byName), offset, max ?? 100);
  return {
    clusters: page.items.map((c) => c.name),
    ...(page.next === undefined ? {} : { nextToken: encodeOffsetToken('ListClusters', page.next) }),
  };
}

/** A PEM-shaped certificate authority, base64 as EKS returns it; stable per cluster, not a real key. */
function certificateData(c: EksClusterSpec): string {
  const body = createHash('sha512').update(c.arn).digest('base64').repeat(8);
  const lines = body.match(/.{1,64}/g) ?? [];
  return Buffer.from(`-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`, 'utf8').toString(
    'base64',
  );
}

function clusterShape(w: RegionWorkloads, c: EksClusterSpec): Record<string, unknown> {
  const vpc = w.network
    ? {
        subnetIds: [w.network.subnetId],
        securityGroupIds: [defaultGroupId(w.network.vpcId)],
        clusterSecurityGroupId: derivedId('sg', `eks:${c.arn}`),
        vpcId: w.network.vpcId,
        endpointPublicAccess: true,
        endpointPrivateAccess: true,
        publicAccessCidrs: ['0.0.0.0/0'],
      }
    : {};
  return {
    name: c.name,
    arn: c.arn,
    createdAt: new Date(c.createdAt),
    version: c.version,
    endpoint: `https://${c.endpointId}.gr7.${w.region}.eks.amazonaws.com`,
    roleArn: c.roleArn,
    resourcesVpcConfig: vpc,
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    logging: {
      clusterLogging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }],
    },
    identity: { oidc: { issuer: `https://oidc.eks.${w.region}.amazonaws.com/id/${c.endpointId}` } },
    status: 'ACTIVE',
    certificateAuthority: { data: certificateData(c) },
    platformVersion: c.platformVersion,
    tags: c.tags,
    health: { issues: [] },
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
    upgradePolicy: { supportType: 'EXTENDED' },
  };
}

function describeCluster(ctx: HandlerContext, input: Record<string, unknown>) {
  const name = str(input, 'name') ?? '';
  const w = gate(ctx, 'DescribeCluster', regionalArn(ctx, 'eks', `cluster/${name}`));
  const cluster = w.eksClusters.find((c) => c.name === name);
  if (!cluster) throw new ApiError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404);
  return { cluster: clusterShape(w, cluster) };
}

const OPERATIONS = {
  ListClusters: listClusters,
  DescribeCluster: describeCluster,
};

/** `GET /clusters` and `GET /clusters/{name}`. */
export function routeEks(
  method: string,
  path: string,
  query: URLSearchParams,
): { operation: string; input: Record<string, unknown> } | undefined {
  if (method !== 'GET') return undefined;
  if (/^\/clusters\/?$/.test(path)) {
    const input: Record<string, unknown> = {};
    for (const name of ['maxResults', 'nextToken']) if (query.has(name)) input[name] = query.get(name) ?? '';
    if (query.has('include')) input['include'] = query.getAll('include');
    return { operation: 'ListClusters', input };
  }
  const m = /^\/clusters\/([^/]+)\/?$/.exec(path);
  if (m?.[1]) {
    let name = m[1];
    try {
      name = decodeURIComponent(name);
    } catch {
      // keep the raw segment: it simply will not be found
    }
    return { operation: 'DescribeCluster', input: { name } };
  }
  return undefined;
}

export const eksService: ServiceImpl = {
  signingName: 'eks',
  modelName: 'eks',
  actionPrefix: 'eks',
  operations: OPERATIONS,
  // Each operation checks the region before the policies, as AWS does (see workload-gate.ts).
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
  route: routeEks,
};
