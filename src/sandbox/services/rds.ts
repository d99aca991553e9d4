import { ApiError } from '../api-error.js';
import { list, num, obj, str, strList, type HandlerContext, type ServiceImpl } from '../service.js';
import type { RegionWorkloads } from '../world/workloads.js';
import { dbClusterShape, dbInstanceShape } from './rds-shapes.js';
import { decodeOffsetToken, encodeOffsetToken, gateWorkloads, pageOf, regionalArn } from './workload-gate.js';

/**
 * RDS (protocol query), regional: DB instances and clusters of the caller's account in the signed region.
 * Pages by Marker / MaxRecords (20 to 100, default 100), filters as RDS does (identifiers or ARNs), and
 * names the `db:*` or `cluster:*` resource in its AccessDenied, as AWS does.
 */

const DENIAL = { code: 'AccessDenied', status: 403 } as const;

function invalidParameter(message: string): ApiError {
  return new ApiError('InvalidParameterValue', message, 400);
}

/** `orders-db` or `arn:aws:rds:us-east-1:444444444444:db:orders-db` → the identifier, when it is ours. */
function identifierOf(ctx: HandlerContext, value: string, kind: 'db' | 'cluster'): string {
  if (!value.startsWith('arn:')) return value;
  const prefix = regionalArn(ctx, 'rds', `${kind}:`);
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

interface Filter {
  name: string;
  values: string[];
}

function filtersOf(input: Record<string, unknown>): Filter[] {
  return list(input, 'Filters').map((f) => ({ name: str(obj(f), 'Name') ?? '', values: strList(obj(f), 'Values') }));
}

/** What each filter name reads from an item; an unknown name is refused as RDS refuses it. */
function applyFilters<T>(items: T[], filters: Filter[], fields: Readonly<Record<string, (item: T) => string[]>>): T[] {
  const tests = filters.map((f) => {
    const read = Object.hasOwn(fields, f.name) ? fields[f.name] : undefined;
    if (!read) throw invalidParameter(`Unrecognized filter name: ${f.name}`);
    return (item: T) => read(item).some((v) => f.values.includes(v));
  });
  return items.filter((item) => tests.every((t) => t(item)));
}

/** MaxRecords 20..100 and an opaque Marker, for both operations. */
function paged<T>(items: T[], input: Record<string, unknown>, operation: string): { items: T[]; marker?: string } {
  const max = num(input, 'MaxRecords');
  if (max !== undefined && (max < 20 || max > 100))
    throw invalidParameter(`Invalid value ${max} for MaxRecords. Must be between 20 and 100`);
  const marker = str(input, 'Marker');
  const offset = marker === undefined ? 0 : decodeOffsetToken(marker, operation);
  if (offset === undefined) throw invalidParameter('The parameter Marker is not valid.');
  const page = pageOf(items, offset, max ?? 100);
  return { items: page.items, ...(page.next === undefined ? {} : { marker: encodeOffsetToken(operation, page.next) }) };
}

function gate(ctx: HandlerContext, operation: string, resource: string): RegionWorkloads {
  return gateWorkloads(ctx, { endpointPrefix: 'rds', action: `rds:${operation}`, resource, denial: DENIAL });
}

function describeDBInstances(ctx: HandlerContext, input: Record<string, unknown>) {
  const requested = str(input, 'DBInstanceIdentifier');
  const id = requested === undefined ? undefined : identifierOf(ctx, requested, 'db');
  const w = gate(ctx, 'DescribeDBInstances', regionalArn(ctx, 'rds', `db:${id ?? '*'}`));
  const selected = applyFilters(
    [...w.dbInstances]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .filter((db) => id === undefined || db.id === id),
    filtersOf(input),
    {
      'db-instance-id': (db) => [db.id, db.arn],
      'db-cluster-id': (db) =>
        db.clusterId === undefined ? [] : [db.clusterId, regionalArn(ctx, 'rds', `cluster:${db.clusterId}`)],
      'dbi-resource-id': (db) => [db.resourceId],
      engine: (db) => [db.engine],
      domain: () => [],
    },
  );
  if (id !== undefined && selected.length === 0)
    throw new ApiError('DBInstanceNotFound', `DBInstance ${id} not found.`, 404);
  const page = paged(selected, input, 'DescribeDBInstances');
  return {
    DBInstances: page.items.map((db) => dbInstanceShape(w, db, ctx.now())),
    ...(page.marker === undefined ? {} : { Marker: page.marker }),
  };
}

function describeDBClusters(ctx: HandlerContext, input: Record<string, unknown>) {
  const requested = str(input, 'DBClusterIdentifier');
  const id = requested === undefined ? undefined : identifierOf(ctx, requested, 'cluster');
  const w = gate(ctx, 'DescribeDBClusters', regionalArn(ctx, 'rds', `cluster:${id ?? '*'}`));
  const selected = applyFilters(
    w.dbClusters.filter((c) => id === undefined || c.id === id),
    filtersOf(input),
    {
      'db-cluster-id': (c) => [c.id, c.arn],
      'db-cluster-resource-id': (c) => [c.resourceId],
      engine: (c) => [c.engine],
      'clone-group-id': () => [],
      domain: () => [],
    },
  );
  if (id !== undefined && selected.length === 0)
    throw new ApiError('DBClusterNotFoundFault', `DBCluster ${id} not found.`, 404);
  const page = paged(selected, input, 'DescribeDBClusters');
  return {
    DBClusters: page.items.map((c) => dbClusterShape(w, c, ctx.now())),
    ...(page.marker === undefined ? {} : { Marker: page.marker }),
  };
}

const OPERATIONS = {
  DescribeDBInstances: describeDBInstances,
  DescribeDBClusters: describeDBClusters,
};

export const rdsService: ServiceImpl = {
  signingName: 'rds',
  modelName: 'rds',
  actionPrefix: 'rds',
  operations: OPERATIONS,
  // Each operation checks the region before the policies, as AWS does (see workload-gate.ts).
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
};
