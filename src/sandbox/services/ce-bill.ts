import type { SandboxAccount, World } from '../world/types.js';

/**
 * The sandbox's consolidated bill, computed, never stored: every cost is a pure function of the world's seed,
 * the account, the service, the region and the day, so that `generated:5000` costs no memory and a query
 * always gives the same numbers. The shape is plausible rather than exact: production costs most and
 * development least, costs grow about 2% a month, weekends are quieter, and one production account has a
 * runaway DynamoDB table that jumps in the last complete month and again this month, for "top movers" to find.
 */

export const DAY_MS = 86_400_000;
/** Cost Explorer keeps the current month and 13 months before it. */
export const HISTORY_MONTHS = 13;
const GROWTH_PER_MONTH = 0.02;
const EPOCH_DAY = Date.UTC(2026, 0, 1) / DAY_MS;
const TAX_RATE = 0.08;
const NET_DISCOUNT = 0.97;

export interface ServiceSpec {
  name: string;
  code: string;
  /** Daily USD of a typical production account in us-east-1. */
  daily: number;
  usageType: string;
  /** USD per unit of UsageQuantity. */
  unitPrice: number;
  blended?: number;
  amortized?: number;
  /** Normalization factor of the instance size behind NormalizedUsageAmount. */
  normalization?: number;
  /** Always present in the account's first region. */
  core?: boolean;
}

export const CE_SERVICES: readonly ServiceSpec[] = [
  {
    name: 'Amazon Elastic Compute Cloud - Compute',
    code: 'AmazonEC2',
    daily: 95,
    usageType: 'BoxUsage:m6i.large',
    unitPrice: 0.096,
    blended: 0.97,
    amortized: 0.95,
    normalization: 4,
    core: true,
  },
  { name: 'EC2 - Other', code: 'AmazonEC2', daily: 21, usageType: 'EBS:VolumeUsage.gp3', unitPrice: 0.08 / 30 },
  {
    name: 'Amazon Relational Database Service',
    code: 'AmazonRDS',
    daily: 52,
    usageType: 'InstanceUsage:db.r6g.large',
    unitPrice: 0.225,
    blended: 0.98,
    normalization: 4,
  },
  {
    name: 'Amazon Simple Storage Service',
    code: 'AmazonS3',
    daily: 18,
    usageType: 'TimedStorage-ByteHrs',
    unitPrice: 0.023 / 30,
    core: true,
  },
  { name: 'Amazon DynamoDB', code: 'AmazonDynamoDB', daily: 14, usageType: 'ReadCapacityUnit-Hrs', unitPrice: 0.00013 },
  { name: 'AWS Lambda', code: 'AWSLambda', daily: 6, usageType: 'Lambda-GB-Second', unitPrice: 0.0000166667 },
  {
    name: 'Amazon CloudWatch',
    code: 'AmazonCloudWatch',
    daily: 9,
    usageType: 'CW:MetricMonitorUsage',
    unitPrice: 0.3 / 30,
    core: true,
  },
  {
    name: 'AWS Key Management Service',
    code: 'awskms',
    daily: 1.5,
    usageType: 'KMS-Keys',
    unitPrice: 1 / 30,
    core: true,
  },
];
export const TAX: ServiceSpec = { name: 'Tax', code: 'Tax', daily: 0, usageType: 'Tax', unitPrice: Infinity };
export const SPIKE_SERVICE = 'Amazon DynamoDB';
export const SPIKE_REGION = 'us-east-1';
export const NO_REGION = 'NoRegion';

const STAGE_FACTOR: Readonly<Record<string, number>> = { prod: 4, staging: 1.5, dev: 0.7, client: 2.2 };
const REGION_PREFIX: Readonly<Record<string, string>> = {
  'us-east-1': '',
  'us-east-2': 'USE2-',
  'us-west-2': 'USW2-',
  'eu-west-1': 'EU-',
  'eu-central-1': 'EUC1-',
  'eu-south-1': 'EUS1-',
};

/** One row of the bill: an account's use of one service in one region. Costs vary only by day. */
export interface BillLine {
  account: SandboxAccount;
  service: ServiceSpec;
  region: string;
  usageType: string;
  /** Daily USD before trend, weekday and noise. */
  base: number;
  seed: number;
  spike: boolean;
  /** Day number (days since the epoch) before which the account had no cost. */
  firstDay: number;
}

/** FNV-1a, then a murmur finalizer: a fast, well-spread 32-bit hash of text. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return fmix(h);
}

function fmix(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const unit = (seed: number, text: string): number => hashText(`${seed}:${text}`) / 4_294_967_296;

export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/** First day (day number) of the month `offset` months from the month of `day`. */
export function monthStart(day: number, offset = 0): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1) / DAY_MS;
}

export interface BillModel {
  readonly today: number;
  /** The first day with data: the first of the month 13 months before this one. */
  readonly firstDataDay: number;
  readonly payerAccountId: string;
  readonly spikeAccountId: string | undefined;
  /** The bill's lines, built on first use: one pass over the accounts. */
  lines(): readonly BillLine[];
  /** The line's USD on one day: zero outside the data window and before the account joined. */
  lineCost(line: BillLine, day: number): number;
  /** The same, by name: a pure function of account, service, region and day. */
  costOf(accountId: string, service: string, region: string, day: number): number;
}

function stageFactor(world: World, account: SandboxAccount): number {
  if (account.id === world.organization.masterAccountId) return 0.3;
  return STAGE_FACTOR[account.tags['stage'] ?? ''] ?? 1;
}

function accountRegions(account: SandboxAccount): string[] {
  return [...new Set(['us-east-1', 'eu-west-1', ...account.optedInRegions])];
}

function linesOf(world: World, account: SandboxAccount, spikeAccountId: string | undefined): BillLine[] {
  const seed = world.seed;
  const size = (0.6 + 0.9 * unit(seed, `size:${account.id}`)) * stageFactor(world, account);
  const firstDay = dayOf(Date.parse(account.joinedTimestamp));
  const lines: BillLine[] = [];
  accountRegions(account).forEach((region, r) => {
    const regionWeight = r === 0 ? 1 : r === 1 ? 0.45 : 0.25;
    for (const service of CE_SERVICES) {
      const spike = account.id === spikeAccountId && service.name === SPIKE_SERVICE && region === SPIKE_REGION;
      const used =
        (service.core === true && r === 0) ||
        spike ||
        unit(seed, `use:${account.id}:${service.name}:${region}`) >= 0.15;
      if (!used) continue;
      const base =
        service.daily * size * regionWeight * (0.7 + 0.6 * unit(seed, `mix:${account.id}:${service.name}:${region}`));
      const usageType = `${REGION_PREFIX[region] ?? `${region.toUpperCase()}-`}${service.usageType}`;
      lines.push({
        account,
        service,
        region,
        usageType,
        base,
        seed: hashText(`${seed}:${account.id}:${service.name}:${region}`),
        spike,
        firstDay,
      });
    }
  });
  // Tax follows the size of the account's usage; it has no region and no day-to-day noise of its own.
  const taxBase = TAX_RATE * lines.reduce((sum, l) => sum + l.base, 0);
  lines.push({
    account,
    service: TAX,
    region: NO_REGION,
    usageType: TAX.usageType,
    base: taxBase,
    seed: 0,
    spike: false,
    firstDay,
  });
  return lines;
}

export function createBillModel(world: World, nowMs: number): BillModel {
  const today = dayOf(nowMs);
  const firstDataDay = monthStart(today, -HISTORY_MONTHS);
  const spikeFrom = monthStart(today, -1);
  const spikeHigher = monthStart(today, 0);
  const active = () => Object.values(world.accounts).filter((a) => a.status === 'ACTIVE');
  // The runaway table lives in the organization's first production account.
  const spikeAccountId = Object.values(world.accounts).find(
    (a) => a.status === 'ACTIVE' && a.tags['stage'] === 'prod',
  )?.id;
  let cached: BillLine[] | undefined;

  const lineCost = (line: BillLine, day: number): number => {
    if (day < firstDataDay || day >= today || day < line.firstDay) return 0;
    const trend = Math.exp((GROWTH_PER_MONTH * (day - EPOCH_DAY)) / 30.4375);
    const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 is Sunday.
    const week = weekday === 0 || weekday === 6 ? 0.88 : 1;
    const noise = line.service === TAX ? 1 : 0.9 + 0.2 * (fmix(line.seed ^ Math.imul(day, 0x9e3779b1)) / 4_294_967_296);
    const spike = line.spike ? (day >= spikeHigher ? 10 : day >= spikeFrom ? 6 : 1) : 1;
    return line.base * trend * week * noise * spike;
  };

  return {
    today,
    firstDataDay,
    payerAccountId: world.organization.masterAccountId,
    spikeAccountId,
    lines: () => (cached ??= active().flatMap((a) => linesOf(world, a, spikeAccountId))),
    lineCost,
    costOf(accountId, service, region, day) {
      const account = world.accounts[accountId];
      if (!account || account.status !== 'ACTIVE') return 0;
      const line = linesOf(world, account, spikeAccountId).find(
        (l) => l.service.name === service && l.region === region,
      );
      return line ? lineCost(line, day) : 0;
    },
  };
}

export const METRIC_NAMES = [
  'AmortizedCost',
  'BlendedCost',
  'NetAmortizedCost',
  'NetUnblendedCost',
  'NormalizedUsageAmount',
  'UnblendedCost',
  'UsageQuantity',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/** Each metric is a fixed multiple of the day's unblended cost for a service, so sums stay consistent. */
export function metricFactor(service: ServiceSpec, metric: MetricName): number {
  const net = service === TAX ? 1 : NET_DISCOUNT;
  switch (metric) {
    case 'UnblendedCost':
      return 1;
    case 'BlendedCost':
      return service.blended ?? 1;
    case 'NetUnblendedCost':
      return net;
    case 'AmortizedCost':
      return service.amortized ?? 1;
    case 'NetAmortizedCost':
      return (service.amortized ?? 1) * net;
    case 'UsageQuantity':
      return 1 / service.unitPrice;
    case 'NormalizedUsageAmount':
      return (service.normalization ?? 0) / service.unitPrice;
  }
}

export const metricUnit = (metric: MetricName): string =>
  metric === 'UsageQuantity' || metric === 'NormalizedUsageAmount' ? 'N/A' : 'USD';
