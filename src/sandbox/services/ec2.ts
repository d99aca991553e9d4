import { bool, strList, type HandlerContext, type ServiceImpl } from '../service.js';
import { isRegionEnabled } from '../world/regions.js';
import type { RegionInfo } from '../world/types.js';
import { authorizeEc2, filterPredicate, invalidParameter, parseFilters, type FilterFields } from './ec2-common.js';
import { describeInstances } from './ec2-instances.js';
import { describeSecurityGroups, describeVolumes, describeVpcs } from './ec2-network.js';

/**
 * EC2 (protocol `ec2`), regional: every call acts on the caller's account in the region of its SigV4
 * scope. Each operation authorizes itself (see `authorizeEc2`) because AWS checks that the region is
 * enabled for the account before it looks at any policy.
 */

type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

interface RegionRow {
  name: string;
  status: OptInStatus;
}

const REGION_FILTERS: FilterFields<RegionRow> = {
  'region-name': (r) => [r.name],
  'opt-in-status': (r) => [r.status],
  endpoint: (r) => [`ec2.${r.name}.amazonaws.com`],
};

function optInStatus(region: RegionInfo, optedIn: readonly string[]): OptInStatus {
  if (!region.optInRequired) return 'opt-in-not-required';
  return optedIn.includes(region.name) ? 'opted-in' : 'not-opted-in';
}

/** AllRegions=false lists the regions enabled for the account; true lists every region with its status. */
function describeRegions(ctx: HandlerContext, input: Record<string, unknown>) {
  const account = authorizeEc2(ctx, 'DescribeRegions', input);
  const optedIn = account?.optedInRegions ?? [];
  const names = strList(input, 'RegionNames');
  // AWS names the alphabetically first unknown region: "Invalid region: [xx-nowhere-1]".
  const unknown = names.filter((n) => !ctx.world.regions.some((r) => r.name === n)).sort()[0];
  if (unknown !== undefined) throw invalidParameter(`Invalid region: [${unknown}]`);
  const matches = filterPredicate(parseFilters(input), REGION_FILTERS);
  const all = bool(input, 'AllRegions') === true;
  const rows = ctx.world.regions
    .filter((r) => all || isRegionEnabled(ctx.world.regions, optedIn, r.name))
    .map((r) => ({ name: r.name, status: optInStatus(r, optedIn) }))
    .filter((r) => (names.length === 0 || names.includes(r.name)) && matches(r))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    Regions: rows.map((r) => ({ RegionName: r.name, Endpoint: `ec2.${r.name}.amazonaws.com`, OptInStatus: r.status })),
  };
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** AWS zone ids abbreviate the region: us-east-1 → use1, ap-southeast-2 → apse2. */
function zoneIdPrefix(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  return `${area}${DIRECTIONS[direction] ?? direction.charAt(0)}${number}`;
}

interface ZoneRow {
  region: string;
  name: string;
  id: string;
}

const ZONE_FILTERS: FilterFields<ZoneRow> = {
  'zone-name': (z) => [z.name],
  'zone-id': (z) => [z.id],
  'region-name': (z) => [z.region],
  'group-name': (z) => [z.region],
  'network-border-group': (z) => [z.region],
  state: () => ['available'],
  'zone-type': () => ['availability-zone'],
  'opt-in-status': () => ['opt-in-not-required'],
};

/** Three zones (a, b, c) in every region, which is what the seeded instances use. */
function describeAvailabilityZones(ctx: HandlerContext, input: Record<string, unknown>) {
  authorizeEc2(ctx, 'DescribeAvailabilityZones', input);
  const zones: ZoneRow[] = ['a', 'b', 'c'].map((letter, i) => ({
    region: ctx.region,
    name: `${ctx.region}${letter}`,
    id: `${zoneIdPrefix(ctx.region)}-az${i + 1}`,
  }));
  const names = strList(input, 'ZoneNames');
  const ids = strList(input, 'ZoneIds');
  const unknown = [
    ...names.filter((n) => !zones.some((z) => z.name === n)),
    ...ids.filter((id) => !zones.some((z) => z.id === id)),
  ][0];
  if (unknown !== undefined) throw invalidParameter(`Invalid availability zone: [${unknown}]`);
  const matches = filterPredicate(parseFilters(input), ZONE_FILTERS);
  const selected = zones.filter(
    (z) => (names.length === 0 || names.includes(z.name)) && (ids.length === 0 || ids.includes(z.id)) && matches(z),
  );
  return {
    AvailabilityZones: selected.map((z) => ({
      State: 'available',
      OptInStatus: 'opt-in-not-required',
      Messages: [],
      RegionName: z.region,
      ZoneName: z.name,
      ZoneId: z.id,
      GroupName: z.region,
      NetworkBorderGroup: z.region,
      ZoneType: 'availability-zone',
    })),
  };
}

const OPERATIONS = {
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeInstances: describeInstances,
  DescribeVpcs: describeVpcs,
  DescribeSecurityGroups: describeSecurityGroups,
  DescribeVolumes: describeVolumes,
};

export const ec2Service: ServiceImpl = {
  signingName: 'ec2',
  modelName: 'ec2',
  actionPrefix: 'ec2',
  operations: OPERATIONS,
  selfAuthorized: new Set(Object.keys(OPERATIONS)),
};
