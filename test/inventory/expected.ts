import Database from 'better-sqlite3';
import type { SandboxAccount, World } from '../../src/sandbox/world/types.js';
import { workloadsIn } from '../../src/sandbox/world/workloads.js';

/**
 * What the inventory should hold, computed from the sandbox's world rather than from its API: the two are
 * written separately, so agreement means the sync read every page of every slice.
 */
export type TypeCounts = Record<string, number>;

export function expectedCounts(world: World, accountId: string, regions: readonly string[]): TypeCounts {
  const account: SandboxAccount | undefined = world.accounts[accountId];
  if (!account) throw new Error(`no account ${accountId}`);
  const counts: TypeCounts = {
    ec2_instances: 0,
    ec2_vpcs: 0,
    ec2_security_groups: 0,
    ec2_volumes: 0,
    lambda_functions: 0,
    rds_instances: 0,
    dynamodb_tables: 0,
    s3_buckets: account.buckets.length,
    iam_roles: Object.keys(account.iam.roles).length,
    iam_users: Object.keys(account.iam.users).length,
  };
  const add = (type: string, n: number) => {
    counts[type] = (counts[type] ?? 0) + n;
  };
  for (const region of regions) {
    const instances = account.instances[region] ?? [];
    const vpcs = new Set(instances.map((i) => i.vpcId)).size;
    add('ec2_instances', instances.length);
    // Each instance has its root volume; each VPC its default security group (see services/ec2-network.ts).
    add('ec2_volumes', instances.length);
    add('ec2_vpcs', vpcs);
    add('ec2_security_groups', vpcs);
    const w = workloadsIn(world, account, region);
    add('lambda_functions', w.functions.length);
    add('rds_instances', w.dbInstances.length);
    add('dynamodb_tables', w.tables.length);
  }
  return counts;
}

/** Reads the inventory directly (not through `crossbar query`, which has tests of its own). */
export function readDb<T>(path: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export function countsIn(path: string, accountId: string): TypeCounts {
  const rows = readDb<{ type: string; n: number }>(
    path,
    'SELECT type, count(*) AS n FROM resources WHERE account_id = ? GROUP BY type',
    accountId,
  );
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}
