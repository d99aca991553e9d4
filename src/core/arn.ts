import { CrossbarError } from './errors.js';

/**
 * An Amazon Resource Name split into its parts: `arn:partition:service:region:account-id:resource`.
 *
 * `resource` is kept whole. `resourceType` is what comes before the first `/` or `:` of the resource
 * (`role` in `role/path/Name`) and `resourceName` is the last `/`-separated segment after it (`Name`). A resource
 * with no separator (an S3 bucket, `root`) has an empty `resourceType` and the whole resource as its name.
 */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  resource: string;
  resourceType: string;
  resourceName: string;
}

/** What `formatArn` needs; an `Arn` is one. Partition defaults to `aws`, region and account to empty. */
export interface ArnParts {
  partition?: string;
  service: string;
  region?: string;
  accountId?: string;
  resource: string;
}

const HINT = 'An ARN looks like arn:aws:iam::123456789012:role/Name (arn:partition:service:region:account:resource)';
const PARTITION = /^aws(-[a-z]+)*$/;
const SERVICE = /^[a-z0-9][a-z0-9-]*$/;
const REGION = /^[a-z0-9-]*$/;
// 12 digits for accounts; `aws` for AWS managed policies (arn:aws:iam::aws:policy/...); empty for S3 and friends.
const ACCOUNT = /^(\d{12}|aws)?$/;

export function parseArn(arn: string): Arn {
  const parts = splitArn(arn);
  if (parts === undefined) throw invalid(arn, 'expected six colon-separated parts starting with "arn:"');
  const [prefix, partition, service, region, accountId, resource] = parts;
  if (prefix !== 'arn') throw invalid(arn, 'it must start with "arn:"');
  if (!PARTITION.test(partition)) throw invalid(arn, `unknown partition "${partition}"`);
  if (!SERVICE.test(service)) throw invalid(arn, `invalid service "${service}"`);
  if (!REGION.test(region)) throw invalid(arn, `invalid region "${region}"`);
  if (!ACCOUNT.test(accountId)) throw invalid(arn, `invalid account id "${accountId}", expected 12 digits`);
  if (resource === '' || /\s/.test(resource)) throw invalid(arn, 'the resource part is empty or contains whitespace');
  return { partition, service, region, accountId, resource, ...splitResource(resource) };
}

export function isArn(s: string): boolean {
  try {
    parseArn(s);
    return true;
  } catch {
    return false;
  }
}

/** Builds an ARN string; throws INVALID_ARN rather than produce a string that `parseArn` would reject. */
export function formatArn(parts: ArnParts): string {
  const arn = [
    'arn',
    parts.partition ?? 'aws',
    parts.service,
    parts.region ?? '',
    parts.accountId ?? '',
    parts.resource,
  ].join(':');
  parseArn(arn);
  return arn;
}

/**
 * Splits on the first five colons only: resources may themselves contain colons
 * (`arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*`).
 */
export function splitArn(arn: string): [string, string, string, string, string, string] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  const [prefix, partition, service, region, accountId] = parts;
  if (
    prefix === undefined ||
    partition === undefined ||
    service === undefined ||
    region === undefined ||
    accountId === undefined
  ) {
    return undefined;
  }
  return [prefix, partition, service, region, accountId, arn.slice(start)];
}

function splitResource(resource: string): { resourceType: string; resourceName: string } {
  const separator = resource.search(/[/:]/);
  if (separator < 0) return { resourceType: '', resourceName: resource };
  const rest = resource.slice(separator + 1);
  return { resourceType: resource.slice(0, separator), resourceName: rest.slice(rest.lastIndexOf('/') + 1) };
}

function invalid(arn: string, why: string): CrossbarError {
  return new CrossbarError('INVALID_ARN', `Invalid ARN "${arn}": ${why}`, { hint: HINT });
}
