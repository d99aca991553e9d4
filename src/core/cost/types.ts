/**
 * The shapes of `crossbar cost`: what is asked of Cost Explorer (a CostQuery), what it answered (CostData, the
 * part that is cached), and what crossbar makes of it with the registry (a CostReport).
 */
export const COST_METRICS = [
  'AmortizedCost',
  'BlendedCost',
  'NetAmortizedCost',
  'NetUnblendedCost',
  'NormalizedUsageAmount',
  'UnblendedCost',
  'UsageQuantity',
] as const;
export type CostMetric = (typeof COST_METRICS)[number];
export const DEFAULT_METRIC: CostMetric = 'NetUnblendedCost';

export const GRANULARITIES = ['monthly', 'daily'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** One way of grouping the bill. `ou` is not a Cost Explorer dimension: it is folded from LINKED_ACCOUNT. */
export type CostGrouping =
  { kind: 'account' } | { kind: 'service' } | { kind: 'region' } | { kind: 'ou' } | { kind: 'tag'; key: string };

export interface CostQuery {
  by: CostGrouping[];
  /** YYYY-MM-DD, inclusive. */
  start: string;
  /** YYYY-MM-DD, exclusive, as Cost Explorer's TimePeriod.End. */
  end: string;
  granularity: Granularity;
  metric: CostMetric;
  /**
   * Only these linked accounts (Cost Explorer's Filter on LINKED_ACCOUNT): the team server's view of one
   * workspace, which must never show the spend of accounts outside it. Absent: the whole bill.
   */
  accounts?: string[];
}

/** A Cost Explorer group definition, as GetCostAndUsage takes it. */
export interface CeGroupBy {
  Type: 'DIMENSION' | 'TAG';
  Key: string;
}

export interface CostPeriod {
  start: string;
  end: string;
  /** The period is not over yet (Cost Explorer's `Estimated`). */
  estimated: boolean;
}

/** What Cost Explorer answered, pages merged: the part that is cached. */
export interface CostData {
  groupBy: CeGroupBy[];
  periods: CostPeriod[];
  /** One entry per group and period with cost: `period` indexes `periods`; keys in groupBy order. */
  groups: { period: number; keys: string[]; amount: number }[];
  unit: string;
  /** LINKED_ACCOUNT id → Cost Explorer's description (the account name in the organization). */
  accountNames: Record<string, string>;
}

export interface CostAccountInfo {
  id: string;
  name: string;
  stage?: string;
  color?: string;
  inRegistry: boolean;
}

/** Month-over-month: the last full month in the range against the one before it. */
export interface CostChange {
  absolute: number;
  /** null when the month before cost nothing. */
  percent: number | null;
  previous: number;
  current: number;
}

/** One month of the range, as a column of the table. */
export interface CostMonth {
  /** `YYYY-MM`. */
  month: string;
  /** The part of the month in the range: YYYY-MM-DD, inclusive. */
  start: string;
  /** YYYY-MM-DD, exclusive. */
  end: string;
  /** The range covers the month only in part (it starts or ends inside it, or the month is not over). */
  partial: boolean;
  /** Some of it is Cost Explorer's estimate: the month to date. */
  estimated: boolean;
  total: number;
}

export interface CostRow {
  /** Stable identity of the group: its keys joined by ' / '. */
  key: string;
  /** One label per grouping, readable: the account name, the service, `team=payments`, an OU path. */
  labels: string[];
  /** Present when the rows are grouped by account. */
  account?: CostAccountInfo;
  /** One amount per period. */
  amounts: number[];
  /** One amount per month of `CostReport.months` (the periods of each month summed): the table's columns. */
  monthly: number[];
  /** The sum of `amounts`, and so of `monthly`: the whole range, no more and no less. */
  total: number;
  change?: CostChange;
}

export interface CostReport {
  metric: CostMetric;
  unit: string;
  granularity: Granularity;
  /** Header per grouping: `account`, `service`, `tag:team`… */
  by: string[];
  start: string;
  end: string;
  periods: (CostPeriod & { total: number })[];
  /**
   * The calendar months the range touches, in order: the table shows one column per month, so that TOTAL is
   * the sum of the columns shown. The periods of a month (days with daily granularity) are summed into it.
   */
  months: CostMonth[];
  rows: CostRow[];
  total: number;
  /** The two months the change compares, `YYYY-MM`; absent with fewer than two full months. */
  comparison?: { previous: string; current: string };
  /** Rows with the largest absolute change, largest first. */
  movers: CostRow[];
  /** How old the answer is when it came from the cache. */
  cachedAgeMs?: number;
}
