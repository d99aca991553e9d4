import { didYouMean, nearestNames } from '../aws-clients/suggest.js';
import { CrossbarError } from '../errors.js';
import type { ResourceType } from './resource-type.js';
import { ec2Instances, ec2SecurityGroups, ec2Volumes, ec2Vpcs } from './types/ec2.js';
import { iamRoles, iamUsers, s3Buckets } from './types/s3-iam.js';
import { dynamodbTables, lambdaFunctions, rdsInstances } from './types/workloads.js';

/** Every resource type the inventory syncs, in the order tables are listed. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  ec2Instances,
  ec2Vpcs,
  ec2SecurityGroups,
  ec2Volumes,
  s3Buckets,
  iamRoles,
  iamUsers,
  lambdaFunctions,
  rdsInstances,
  dynamodbTables,
];

export function resourceTypeNames(): string[] {
  return RESOURCE_TYPES.map((t) => t.name);
}

/**
 * `--types ec2_instances,lambda_functions`: type names, or a service name for all of its types (`ec2`,
 * `iam`). Absent or `all`: every type. An unknown name is a usage error with the closest names.
 */
export function resolveResourceTypes(list: string | undefined): ResourceType[] {
  const words = (list ?? '')
    .split(',')
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  if (words.length === 0 || (words.length === 1 && words[0] === 'all')) return [...RESOURCE_TYPES];
  const picked = new Set<ResourceType>();
  for (const word of words) {
    const matches = RESOURCE_TYPES.filter((t) => t.name === word || t.service === word);
    if (matches.length === 0) {
      const suggestion = didYouMean(nearestNames(word, resourceTypeNames(), 2));
      throw new CrossbarError('USAGE', `Unknown resource type '${word}'`, {
        hint: `${suggestion ? `${suggestion} ` : ''}Types: ${resourceTypeNames().join(', ')} (or a service: ${[...new Set(RESOURCE_TYPES.map((t) => t.service))].join(', ')})`,
      });
    }
    for (const t of matches) picked.add(t);
  }
  // The table order, whatever order they were named in.
  return RESOURCE_TYPES.filter((t) => picked.has(t));
}
