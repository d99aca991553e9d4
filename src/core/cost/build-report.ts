import type { RegistryAccount } from '../config/registry.js';
import { groupingLabel } from './cost-options.js';
import type {
  CeGroupBy,
  CostAccountInfo,
  CostChange,
  CostData,
  CostGrouping,
  CostMonth,
  CostPeriod,
  CostQuery,
  CostReport,
  CostRow,
} from './types.js';

/**
 * Cost Explorer's answer made readable with the registry: account ids become names with their stage, tag keys
 * `team$payments` become `team=payments`, OUs are summed from the accounts' OU paths, and each row gets its
 * month-over-month change. Pure: the same data and registry always give the same report.
 */
export const NOT_IN_REGISTRY_OU = '(not in registry)';
export const TOP_MOVERS = 5;

interface Labeller {
  /** The group key of this grouping (what rows are summed by) and its readable label. */
  read(keys: readonly string[]): { key: string; label: string; account?: CostAccountInfo };
}

function accountInfo(id: string, byId: Map<string, RegistryAccount>, names: Record<string, string>): CostAccountInfo {
  const known = byId.get(id);
  if (known)
    return {
      id,
      name: known.name,
      inRegistry: true,
      ...(known.stage ? { stage: known.stage } : {}),
      color: known.color,
    };
  return { id, name: names[id] ?? id, inRegistry: false };
}

function labellerFor(
  g: CostGrouping,
  groupBy: readonly CeGroupBy[],
  byId: Map<string, RegistryAccount>,
  names: Record<string, string>,
): Labeller {
  const wanted =
    g.kind === 'tag'
      ? { Type: 'TAG', Key: g.key }
      : {
          Type: 'DIMENSION',
          Key: g.kind === 'service' ? 'SERVICE' : g.kind === 'region' ? 'REGION' : 'LINKED_ACCOUNT',
        };
  const at = groupBy.findIndex((d) => d.Type === wanted.Type && d.Key === wanted.Key);
  const raw = (keys: readonly string[]) => keys[at] ?? '';
  switch (g.kind) {
    case 'account':
      return {
        read: (keys) => {
          const account = accountInfo(raw(keys), byId, names);
          // An account the registry does not know is shown by id, with the organization's name for it.
          return {
            key: account.id,
            label: account.inRegistry
              ? account.name
              : account.name === account.id
                ? account.id
                : `${account.id} (${account.name})`,
            account,
          };
        },
      };
    case 'ou':
      return {
        read: (keys) => {
          const ou = byId.get(raw(keys))?.ou ?? NOT_IN_REGISTRY_OU;
          return { key: ou, label: ou };
        },
      };
    case 'tag':
      return {
        read: (keys) => {
          // Cost Explorer writes tag groups as `key$value`; an empty value is the untagged cost.
          const value = raw(keys).slice(raw(keys).indexOf('$') + 1);
          return { key: value, label: value === '' ? `(no ${g.key})` : `${g.key}=${value}` };
        },
      };
    default:
      return { read: (keys) => ({ key: raw(keys), label: raw(keys) }) };
  }
}

const monthOf = (date: string) => date.slice(0, 7);

function nextMonth(month: string): string {
  const [y = 0, m = 1] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 7);
}

/** Months the range covers whole and that are over: only those are fair to compare. */
function fullMonths(query: CostQuery, months: string[], nowMs: number): string[] {
  const current = new Date(nowMs).toISOString().slice(0, 7);
  return months.filter((m) => m < current && query.start <= `${m}-01` && query.end >= `${nextMonth(m)}-01`);
}

/**
 * The months of the periods, each with the indexes of its periods. A month is partial when the range does not
 * cover it from its first day to the first of the next, or when it is not over at `nowMs`.
 */
function monthsOf(periods: readonly CostPeriod[], nowMs: number): (Omit<CostMonth, 'total'> & { periods: number[] })[] {
  const current = new Date(nowMs).toISOString().slice(0, 7);
  const months: (Omit<CostMonth, 'total'> & { periods: number[] })[] = [];
  periods.forEach((p, i) => {
    const month = monthOf(p.start);
    let m = months.find((x) => x.month === month);
    if (!m) {
      m = { month, start: p.start, end: p.end, partial: false, estimated: false, periods: [] };
      months.push(m);
    }
    if (p.start < m.start) m.start = p.start;
    if (p.end > m.end) m.end = p.end;
    m.estimated ||= p.estimated;
    m.periods.push(i);
  });
  for (const m of months)
    m.partial = m.start !== `${m.month}-01` || m.end !== `${nextMonth(m.month)}-01` || m.month >= current;
  return months.sort((a, b) => a.month.localeCompare(b.month));
}

function changeOf(previous: number, current: number): CostChange {
  return {
    previous,
    current,
    absolute: current - previous,
    percent: previous === 0 ? null : ((current - previous) / previous) * 100,
  };
}

export interface BuildReportOptions {
  accounts: readonly RegistryAccount[];
  now: number;
  top?: number;
}

export function buildCostReport(query: CostQuery, data: CostData, options: BuildReportOptions): CostReport {
  const byId = new Map(options.accounts.map((a) => [a.id, a]));
  const labellers = query.by.map((g) => labellerFor(g, data.groupBy, byId, data.accountNames));
  const rows = new Map<string, CostRow>();
  const periodTotals = data.periods.map(() => 0);
  for (const group of data.groups) {
    const parts = labellers.map((l) => l.read(group.keys));
    const key = parts.map((p) => p.key).join(' / ');
    let row = rows.get(key);
    if (!row) {
      const account = parts.find((p) => p.account)?.account;
      row = {
        key,
        labels: parts.map((p) => p.label),
        amounts: data.periods.map(() => 0),
        monthly: [],
        total: 0,
        ...(account ? { account } : {}),
      };
      rows.set(key, row);
    }
    row.amounts[group.period] = (row.amounts[group.period] ?? 0) + group.amount;
    row.total += group.amount;
    periodTotals[group.period] = (periodTotals[group.period] ?? 0) + group.amount;
  }
  const columns = monthsOf(data.periods, options.now);
  const monthTotal = (amounts: readonly number[], periods: readonly number[]) =>
    periods.reduce((s, i) => s + (amounts[i] ?? 0), 0);
  for (const row of rows.values()) row.monthly = columns.map((m) => monthTotal(row.amounts, m.periods));
  const months = columns.map((m) => m.month);
  const full = fullMonths(query, months, options.now);
  const previous = full.at(-2);
  const current = full.at(-1);
  const monthSum = (row: CostRow, month: string) =>
    row.amounts.reduce((s, a, i) => (monthOf(data.periods[i]?.start ?? '') === month ? s + a : s), 0);
  const list = [...rows.values()];
  if (previous && current)
    for (const row of list) row.change = changeOf(monthSum(row, previous), monthSum(row, current));
  list.sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  const movers = list
    .filter((r) => r.change !== undefined && r.change.absolute !== 0)
    .sort((a, b) => Math.abs(b.change?.absolute ?? 0) - Math.abs(a.change?.absolute ?? 0))
    .slice(0, options.top ?? TOP_MOVERS);
  return {
    metric: query.metric,
    unit: data.unit,
    granularity: query.granularity,
    by: query.by.map(groupingLabel),
    start: query.start,
    end: query.end,
    periods: data.periods.map((p, i) => ({ ...p, total: periodTotals[i] ?? 0 })),
    months: columns.map(({ periods, ...m }) => ({ ...m, total: monthTotal(periodTotals, periods) })),
    rows: list,
    total: periodTotals.reduce((a, b) => a + b, 0),
    ...(previous && current ? { comparison: { previous, current } } : {}),
    movers,
  };
}
