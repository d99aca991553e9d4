import { CrossbarError } from '../errors.js';
import {
  COST_METRICS,
  GRANULARITIES,
  type CeGroupBy,
  type CostGrouping,
  type CostMetric,
  type Granularity,
} from './types.js';

/**
 * The edge of `crossbar cost`: the user's --by, --months, --from/--to, --granularity and --metric, checked once
 * and turned into typed values. Every mistake is a usage error (exit 2) that lists the valid choices.
 */
export const GROUPING_CHOICES = ['account', 'service', 'region', 'ou', 'tag:KEY'] as const;
export const DEFAULT_MONTHS = 6;
/** Cost Explorer keeps 13 months; with multi-year data enabled, 38. */
export const MAX_MONTHS = 38;

const usage = (message: string, hint: string) => new CrossbarError('USAGE', message, { hint });

export function groupingLabel(g: CostGrouping): string {
  return g.kind === 'tag' ? `tag:${g.key}` : g.kind;
}

function parseOne(term: string): CostGrouping {
  const word = term.trim();
  const lower = word.toLowerCase();
  if (lower === 'account' || lower === 'service' || lower === 'region' || lower === 'ou') return { kind: lower };
  const tag = /^tag:(.+)$/i.exec(word);
  if (tag?.[1]) return { kind: 'tag', key: tag[1] };
  throw usage(
    `--by '${word}' is not a grouping`,
    `use one of ${GROUPING_CHOICES.join(', ')}, or two at once such as account,service`,
  );
}

/** `account`, `tag:team`, or two at once: `account,service`. */
export function parseGroupings(text: string): CostGrouping[] {
  const terms = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (terms.length === 0) throw usage('--by needs a grouping', `use one of ${GROUPING_CHOICES.join(', ')}`);
  if (terms.length > 2)
    throw usage(
      `--by '${text}' groups by ${terms.length} things; Cost Explorer groups by two at most`,
      'pick two, e.g. --by account,service',
    );
  const groupings = terms.map(parseOne);
  const labels = groupings.map(groupingLabel);
  if (new Set(labels).size < labels.length)
    throw usage(
      `--by '${text}' names ${labels[0] ?? ''} twice`,
      'group by two different things, e.g. --by account,service',
    );
  return groupings;
}

/** The Cost Explorer GroupBy for the groupings: `ou` needs LINKED_ACCOUNT; no key is asked twice. */
export function ceGroupByFor(groupings: readonly CostGrouping[]): CeGroupBy[] {
  const out: CeGroupBy[] = [];
  for (const g of groupings) {
    const def: CeGroupBy =
      g.kind === 'tag'
        ? { Type: 'TAG', Key: g.key }
        : {
            Type: 'DIMENSION',
            Key: g.kind === 'service' ? 'SERVICE' : g.kind === 'region' ? 'REGION' : 'LINKED_ACCOUNT',
          };
    if (!out.some((d) => d.Type === def.Type && d.Key === def.Key)) out.push(def);
  }
  return out;
}

export function parseMetric(text: string | undefined): CostMetric {
  if (text === undefined) return 'NetUnblendedCost';
  const found = COST_METRICS.find((m) => m.toLowerCase() === text.trim().toLowerCase());
  if (!found) throw usage(`--metric '${text}' is not a Cost Explorer metric`, `use one of ${COST_METRICS.join(', ')}`);
  return found;
}

export function parseGranularity(text: string | undefined): Granularity {
  if (text === undefined) return 'monthly';
  const found = GRANULARITIES.find((g) => g === text.trim().toLowerCase());
  if (!found) throw usage(`--granularity '${text}' is not a granularity`, `use one of ${GRANULARITIES.join(', ')}`);
  return found;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function parseDate(text: string, flag: string): number {
  const m = DATE.exec(text.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !Number.isFinite(ms) || iso(ms) !== text.trim())
    throw usage(
      `${flag} '${text}' is not a date`,
      'write dates as YYYY-MM-DD, e.g. --from 2026-01-01 --to 2026-04-01 (--to is exclusive)',
    );
  return ms;
}

export interface RangeFlags {
  months?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/**
 * `--months N`: N full months and the current month to date (monthly: up to the first of next month, which
 * Cost Explorer accepts; daily: up to today, exclusive). `--from`/`--to` take dates, `--to` exclusive.
 */
export function resolveRange(
  flags: RangeFlags,
  granularity: Granularity,
  nowMs: number,
): { start: string; end: string } {
  const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
  const now = new Date(today);
  const monthStart = (offset: number) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1);
  const defaultEnd = granularity === 'monthly' ? monthStart(1) : today;
  if (flags.months !== undefined && (flags.from !== undefined || flags.to !== undefined)) {
    throw usage(
      '--months and --from/--to both set the range',
      'use --months N, or --from YYYY-MM-DD [--to YYYY-MM-DD]',
    );
  }
  if (flags.from === undefined && flags.to === undefined) {
    const text = flags.months ?? String(DEFAULT_MONTHS);
    const months = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isInteger(months) || months < 1 || months > MAX_MONTHS) {
      throw usage(
        `--months '${text}' is not a number of months`,
        `use a whole number from 1 to ${MAX_MONTHS} (Cost Explorer keeps 13 months, 38 with multi-year data)`,
      );
    }
    return { start: iso(monthStart(-months)), end: iso(defaultEnd) };
  }
  if (flags.from === undefined)
    throw usage('--to needs --from', 'give the range as --from YYYY-MM-DD --to YYYY-MM-DD (--to is exclusive)');
  const start = parseDate(flags.from, '--from');
  const end = flags.to === undefined ? defaultEnd : parseDate(flags.to, '--to');
  if (start >= end)
    throw usage(
      `--from ${iso(start)} is not before --to ${iso(end)}`,
      'the range is --from (inclusive) to --to (exclusive)',
    );
  if (end > monthStart(1))
    throw usage(`--to ${iso(end)} is in a future month`, `Cost Explorer answers up to ${iso(monthStart(1))}`);
  return { start: iso(start), end: iso(end) };
}
