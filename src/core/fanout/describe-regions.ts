import { DEFAULT_REGION } from '../config/registry.js';
import { callOperation, findOperation, type AwsClient } from '../aws-clients/index.js';
import { CrossbarError } from '../errors.js';
import { DEFAULT_ENABLED_REGIONS, type OptInStatus, type RegionStatuses } from './regions.js';

const STATUSES: readonly OptInStatus[] = ['opt-in-not-required', 'opted-in', 'not-opted-in'];

function isStatus(value: unknown): value is OptInStatus {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

/** Where an account's DescribeRegions is asked: a region every account has, its own first one if it is such. */
export function homeRegionOf(configured: readonly string[]): string {
  return configured.find((r) => DEFAULT_ENABLED_REGIONS.includes(r)) ?? DEFAULT_REGION;
}

/**
 * Every region AWS has with its opt-in status for this account: EC2 DescribeRegions with AllRegions, the call
 * the console's region list makes. `not-opted-in` regions exist but answer nothing.
 */
export async function describeRegions(ec2: AwsClient, signal?: AbortSignal): Promise<RegionStatuses> {
  const operation = await findOperation('ec2', 'DescribeRegions');
  const out = await callOperation(
    ec2,
    operation,
    { AllRegions: true },
    { paginate: false, ...(signal ? { signal } : {}) },
  );
  const regions = Array.isArray(out['Regions']) ? out['Regions'] : [];
  const statuses = new Map<string, OptInStatus>();
  for (const r of regions) {
    if (typeof r !== 'object' || r === null) continue;
    const name: unknown = 'RegionName' in r ? r.RegionName : undefined;
    const status: unknown = 'OptInStatus' in r ? r.OptInStatus : undefined;
    if (typeof name === 'string') statuses.set(name, isStatus(status) ? status : 'opt-in-not-required');
  }
  if (statuses.size === 0) throw new CrossbarError('ERROR', 'DescribeRegions returned no regions');
  return statuses;
}
