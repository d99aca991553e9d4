import { nearestNames } from '../aws-clients/suggest.js';

/**
 * Region names AWS has (commercial partition), with the ones an account must opt into. A name outside this
 * list is asked of the account's own DescribeRegions before it is called invalid, so a region AWS adds later
 * still works.
 */
export const DEFAULT_ENABLED_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];

export const OPT_IN_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-south-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-west-1',
  'eu-south-1',
  'eu-south-2',
  'eu-central-2',
  'il-central-1',
  'me-south-1',
  'me-central-1',
  'mx-central-1',
];

export const KNOWN_REGIONS: readonly string[] = [...DEFAULT_ENABLED_REGIONS, ...OPT_IN_REGIONS];

/** What DescribeRegions (AllRegions) says of one region for one account. */
export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

/** Region name → opt-in status, as one account's DescribeRegions reported it. */
export type RegionStatuses = ReadonlyMap<string, OptInStatus>;

export function isKnownRegion(region: string): boolean {
  return KNOWN_REGIONS.includes(region);
}

export function isOptInRegion(region: string): boolean {
  return OPT_IN_REGIONS.includes(region);
}

/** The shape of a region name (`xx-word-1`): anything else is a typo, refused without asking AWS. */
export function looksLikeRegion(region: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region);
}

export function isEnabled(status: OptInStatus | undefined): boolean {
  return status === 'opt-in-not-required' || status === 'opted-in';
}

/** The regions enabled in an account, sorted: what `--regions all` means for it. */
export function enabledRegions(statuses: RegionStatuses): string[] {
  return [...statuses]
    .filter(([, s]) => isEnabled(s))
    .map(([r]) => r)
    .sort();
}

export function invalidRegionMessage(region: string, known: readonly string[] = KNOWN_REGIONS): string {
  const near = nearestNames(region, known, 2);
  return `The region '${region}' does not exist${near.length > 0 ? ` (did you mean ${near.map((n) => `'${n}'`).join(' or ')}?)` : ''}`;
}

/** `--regions us-east-1,eu-west-1` or `all`: a list without blanks and duplicates. */
export function parseRegionList(text: string): string[] | 'all' {
  const items = text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (items.length === 1 && items[0]?.toLowerCase() === 'all') return 'all';
  return [...new Set(items)];
}
