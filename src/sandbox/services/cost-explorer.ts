import { createHash } from 'node:crypto';
import { ApiError } from '../api-error.js';
import { list, num, obj, str, strList, type HandlerContext, type ServiceImpl } from '../service.js';
import type { World } from '../world/types.js';
import {
  createBillModel,
  DAY_MS,
  metricFactor,
  METRIC_NAMES,
  metricUnit,
  monthStart,
  type BillLine,
  type BillModel,
  type MetricName,
} from './ce-bill.js';
import {
  compileExpression,
  compileGroupBy,
  dimensionReader,
  validation,
  type GroupDefinition,
  type LinePredicate,
} from './ce-expression.js';

/**
 * Cost Explorer over the sandbox's computed consolidated bill (ce-bill.ts). As in an organization with
 * consolidated billing where the payer has not shared Cost Explorer, only the management account may ask.
 */

const RESULT_PAGE_ITEMS = 5000;
const DIMENSION_PAGE = 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function requirePayer(ctx: HandlerContext): void {
  const payer = ctx.world.organization.masterAccountId;
  if (ctx.caller.accountId === payer) return;
  const action = `ce:${ctx.operation}`;
  throw new ApiError(
    'AccessDeniedException',
    `User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: arn:aws:ce:us-east-1:${ctx.caller.accountId}:/${ctx.operation} because account ${ctx.caller.accountId} is a linked account of a consolidated billing family: Cost Explorer is only available in the management (payer) account ${payer} of this organization`,
    400,
  );
}

const required = (member: string) =>
  validation(
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

function parseDay(value: string | undefined, member: string): number {
  if (value === undefined) throw required(member);
  const m = DATE.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw validation(`Invalid date '${value}' at '${member}': use the format YYYY-MM-DD`);
  }
  return ms / DAY_MS;
}

function parseTimePeriod(input: Record<string, unknown>, bill: BillModel): { startDay: number; endDay: number } {
  if (input['TimePeriod'] === undefined) throw required('timePeriod');
  const period = obj(input['TimePeriod']);
  const startDay = parseDay(str(period, 'Start'), 'timePeriod.start');
  const endDay = parseDay(str(period, 'End'), 'timePeriod.end');
  if (startDay >= endDay) throw validation('Start date (and hour) should be before end date (and hour)');
  if (endDay > monthStart(bill.today, 1)) throw validation('end date past the beginning of next month');
  return { startDay, endDay };
}

interface Period {
  start: number;
  end: number;
  estimated: boolean;
}

function periodsOf(startDay: number, endDay: number, granularity: string, bill: BillModel): Period[] {
  const currentMonth = monthStart(bill.today);
  const periods: Period[] = [];
  for (let start = startDay; start < endDay;) {
    const end = granularity === 'DAILY' ? start + 1 : Math.min(monthStart(start, 1), endDay);
    periods.push({ start, end, estimated: end > currentMonth });
    start = end;
  }
  return periods;
}

function parseMetrics(input: Record<string, unknown>): { requested: string; name: MetricName }[] {
  const requested = strList(input, 'Metrics');
  if (requested.length === 0) throw required('metrics');
  return requested.map((r) => {
    // Cost Explorer reads metric names without regard to case and answers with the spelling it was asked.
    const name = METRIC_NAMES.find((n) => n.toLowerCase() === r.toLowerCase());
    if (!name) throw validation(`Metric ${r} is invalid. Valid values are ${METRIC_NAMES.join(', ')}`);
    return { requested: r, name };
  });
}

function fingerprint(operation: string, input: Record<string, unknown>): string {
  const { NextPageToken: _token, MaxResults: _max, ...rest } = input;
  return createHash('sha256')
    .update(`${operation}:${JSON.stringify(rest)}`)
    .digest('hex')
    .slice(0, 16);
}

function readToken(input: Record<string, unknown>, print: string): number {
  const token = str(input, 'NextPageToken');
  if (token === undefined) return 0;
  let decoded: Record<string, unknown>;
  try {
    decoded = obj(JSON.parse(Buffer.from(token, 'base64').toString('utf8')));
  } catch {
    decoded = {};
  }
  const { f, o } = decoded;
  if (typeof f !== 'string' || typeof o !== 'number' || !Number.isInteger(o) || o < 0) {
    throw new ApiError(
      'InvalidNextTokenException',
      'The pagination token is invalid. Try again without a pagination token.',
      400,
    );
  }
  if (f !== print)
    throw new ApiError(
      'RequestChangedException',
      'Your request parameters changed between pages. Try again with the old parameters or without a pagination token.',
      400,
    );
  return o;
}

const writeToken = (print: string, offset: number) =>
  Buffer.from(JSON.stringify({ f: print, o: offset })).toString('base64');

/** One entry of the flattened answer: a group in a period, or a period with no group (or an ungrouped total). */
interface Item {
  period: number;
  keys?: string[];
  values: Float64Array;
}

function filteredLines(bill: BillModel, filter: LinePredicate | undefined): readonly BillLine[] {
  const lines = bill.lines();
  return filter ? lines.filter(filter) : lines;
}

/** Sums every line's days into its period and group. Only the noise of each day is computed: O(lines × days). */
function aggregate(
  bill: BillModel,
  lines: readonly BillLine[],
  periods: Period[],
  metrics: MetricName[],
  keysOf: ((l: BillLine) => string[]) | undefined,
): Item[] {
  const first = periods[0]?.start ?? 0;
  const last = periods[periods.length - 1]?.end ?? first;
  const dayToPeriod = new Int32Array(last - first);
  periods.forEach((p, i) => dayToPeriod.fill(i, p.start - first, p.end - first));
  const groups = new Map<string, { keys: string[]; sums: Float64Array }>();
  const lineSums = new Float64Array(periods.length);
  const width = metrics.length;
  for (const line of lines) {
    const from = Math.max(first, bill.firstDataDay, line.firstDay);
    const to = Math.min(last, bill.today);
    if (from >= to) continue;
    lineSums.fill(0);
    for (let d = from; d < to; d += 1) {
      const p = dayToPeriod[d - first] ?? 0;
      lineSums[p] = (lineSums[p] ?? 0) + bill.lineCost(line, d);
    }
    const keys = keysOf ? keysOf(line) : [];
    const id = keys.join('\u0000');
    const group = groups.get(id) ?? { keys, sums: new Float64Array(periods.length * width) };
    groups.set(id, group);
    const factors = metrics.map((m) => metricFactor(line.service, m));
    for (let p = 0; p < periods.length; p += 1) {
      const cost = lineSums[p] ?? 0;
      if (cost === 0) continue;
      factors.forEach((f, m) => {
        const at = p * width + m;
        group.sums[at] = (group.sums[at] ?? 0) + cost * f;
      });
    }
  }
  const sorted = [...groups.values()].sort((a, b) => (a.keys.join('\u0000') < b.keys.join('\u0000') ? -1 : 1));
  const items: Item[] = [];
  periods.forEach((_, p) => {
    const inPeriod = sorted
      .map((g) => ({ keys: g.keys, values: g.sums.slice(p * width, (p + 1) * width) }))
      .filter((g) => g.values.some((v) => v !== 0));
    if (!keysOf) items.push({ period: p, values: inPeriod[0]?.values ?? new Float64Array(width) });
    else if (inPeriod.length === 0) items.push({ period: p, values: new Float64Array(width) });
    else for (const g of inPeriod) items.push({ period: p, keys: g.keys, values: g.values });
  });
  return items;
}

function metricsOut(metrics: { requested: string; name: MetricName }[], values: Float64Array) {
  return Object.fromEntries(
    metrics.map((m, i) => [m.requested, { Amount: (values[i] ?? 0).toFixed(10), Unit: metricUnit(m.name) }]),
  );
}

/** Later pages reuse the answer computed for the first one, so that paging through 5000 accounts is O(page). */
const answers = new WeakMap<World, Map<string, { items: Item[]; at: number }>>();
const ANSWER_TTL_MS = 5 * 60_000;

function cachedItems(world: World, key: string, now: number, fresh: boolean, compute: () => Item[]): Item[] {
  let byKey = answers.get(world);
  if (!byKey) answers.set(world, (byKey = new Map()));
  const hit = byKey.get(key);
  if (!fresh && hit && now - hit.at < ANSWER_TTL_MS) return hit.items;
  const items = compute();
  if (byKey.size >= 8) byKey.delete(byKey.keys().next().value ?? '');
  byKey.set(key, { items, at: now });
  return items;
}

function getCostAndUsage(ctx: HandlerContext, input: Record<string, unknown>) {
  requirePayer(ctx);
  const bill = createBillModel(ctx.world, ctx.now());
  const { startDay, endDay } = parseTimePeriod(input, bill);
  const granularity = str(input, 'Granularity');
  if (granularity === undefined) throw required('granularity');
  if (granularity === 'HOURLY')
    throw validation(
      'Hourly granularity is not enabled for this payer account. Enable hourly granularity in the Cost Explorer preferences.',
    );
  if (granularity !== 'DAILY' && granularity !== 'MONTHLY')
    throw validation(`Granularity ${granularity} is invalid. Valid values are DAILY, MONTHLY, HOURLY`);
  const metrics = parseMetrics(input);
  const groupBy = list(input, 'GroupBy');
  const grouping = groupBy.length > 0 ? compileGroupBy(groupBy, bill.payerAccountId) : undefined;
  const filter = input['Filter'] !== undefined ? compileExpression(input['Filter'], bill.payerAccountId) : undefined;
  const periods = periodsOf(startDay, endDay, granularity, bill);
  const print = fingerprint('GetCostAndUsage', input);
  const offset = readToken(input, print);
  const items = cachedItems(ctx.world, `${print}:${bill.today}`, ctx.now(), offset === 0, () =>
    aggregate(
      bill,
      filteredLines(bill, filter),
      periods,
      metrics.map((m) => m.name),
      grouping?.keysOf,
    ),
  );
  const page = items.slice(offset, offset + RESULT_PAGE_ITEMS);
  const next = offset + RESULT_PAGE_ITEMS < items.length ? writeToken(print, offset + RESULT_PAGE_ITEMS) : undefined;
  return {
    ...(next ? { NextPageToken: next } : {}),
    ...(grouping ? { GroupDefinitions: grouping.definitions } : {}),
    ResultsByTime: resultsByTime(page, periods, metrics, grouping !== undefined),
    DimensionValueAttributes: accountAttributes(ctx.world, page, grouping?.definitions ?? []),
  };
}

function resultsByTime(
  page: Item[],
  periods: Period[],
  metrics: { requested: string; name: MetricName }[],
  grouped: boolean,
) {
  const out: { TimePeriod: { Start: string; End: string }; Total: object; Groups: object[]; Estimated: boolean }[] = [];
  let current = -1;
  for (const item of page) {
    const period = periods[item.period];
    if (!period) continue;
    if (item.period !== current) {
      current = item.period;
      out.push({
        TimePeriod: { Start: iso(period.start), End: iso(period.end) },
        Total: grouped ? {} : metricsOut(metrics, item.values),
        Groups: [],
        Estimated: period.estimated,
      });
    }
    if (item.keys) out[out.length - 1]?.Groups.push({ Keys: item.keys, Metrics: metricsOut(metrics, item.values) });
  }
  return out;
}

/** AWS names the linked accounts of a LINKED_ACCOUNT grouping in DimensionValueAttributes. */
function accountAttributes(world: World, page: Item[], definitions: GroupDefinition[]) {
  const index = definitions.findIndex((d) => d.Type === 'DIMENSION' && d.Key === 'LINKED_ACCOUNT');
  if (index < 0) return [];
  const ids = [...new Set(page.map((i) => i.keys?.[index]).filter((id): id is string => id !== undefined))];
  return ids.map((id) => ({ Value: id, Attributes: { description: world.accounts[id]?.name ?? id } }));
}

function getDimensionValues(ctx: HandlerContext, input: Record<string, unknown>) {
  requirePayer(ctx);
  const bill = createBillModel(ctx.world, ctx.now());
  const { startDay, endDay } = parseTimePeriod(input, bill);
  const dimension = str(input, 'Dimension');
  if (dimension === undefined) throw required('dimension');
  const read = dimensionReader(dimension, bill.payerAccountId);
  const filter = input['Filter'] !== undefined ? compileExpression(input['Filter'], bill.payerAccountId) : undefined;
  const search = str(input, 'SearchString')?.toLowerCase() ?? '';
  const seen = new Set<string>();
  for (const line of filteredLines(bill, filter)) {
    // A value is listed when it has cost data in the period.
    if (Math.max(startDay, bill.firstDataDay, line.firstDay) >= Math.min(endDay, bill.today)) continue;
    const value = read(line);
    if (value.toLowerCase().includes(search)) seen.add(value);
  }
  const values = [...seen].sort();
  const max = num(input, 'MaxResults');
  if (max !== undefined && (!Number.isInteger(max) || max < 1))
    throw validation(
      `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  const print = fingerprint('GetDimensionValues', input);
  const offset = readToken(input, print);
  const size = max ?? DIMENSION_PAGE;
  const page = values.slice(offset, offset + size);
  return {
    DimensionValues: page.map((Value) => ({
      Value,
      Attributes: dimension === 'LINKED_ACCOUNT' ? { description: ctx.world.accounts[Value]?.name ?? Value } : {},
    })),
    ReturnSize: page.length,
    TotalSize: values.length,
    ...(offset + size < values.length ? { NextPageToken: writeToken(print, offset + size) } : {}),
  };
}

export const costExplorerService: ServiceImpl = {
  signingName: 'ce',
  modelName: 'ce',
  actionPrefix: 'ce',
  global: true,
  operations: {
    GetCostAndUsage: getCostAndUsage,
    GetDimensionValues: getDimensionValues,
  },
};
