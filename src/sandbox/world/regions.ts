import type { RegionInfo } from './types.js';

/** The commercial regions, with the ones that need opting in (as DescribeRegions reports them). */
export const SANDBOX_REGIONS: readonly RegionInfo[] = [
  ...[
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
  ].map((name) => ({ name, optInRequired: false })),
  ...[
    'af-south-1',
    'ap-east-1',
    'ap-south-2',
    'ap-southeast-3',
    'eu-south-1',
    'eu-south-2',
    'eu-central-2',
    'me-south-1',
    'me-central-1',
    'il-central-1',
  ].map((name) => ({ name, optInRequired: true })),
];

export function isRegionEnabled(regions: readonly RegionInfo[], optedIn: readonly string[], region: string): boolean {
  const info = regions.find((r) => r.name === region);
  if (!info) return false;
  return !info.optInRequired || optedIn.includes(region);
}
