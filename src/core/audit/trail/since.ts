import { CrossbarError } from '../../errors.js';

/**
 * `--since 7d | 24h | 90m | 2026-01-31[T12:00:00Z]`: where the window of CloudTrail evidence starts. CloudTrail's
 * event history (LookupEvents) keeps 90 days, so a longer window would silently read less than it says: it is a
 * usage error instead.
 */
export const TRAIL_HISTORY_DAYS = 90;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: 60 * MINUTE_MS, d: DAY_MS };
const HISTORY_MS = TRAIL_HISTORY_DAYS * DAY_MS;

export interface TrailWindow {
  /** What the user typed, for the report. */
  since: string;
  startMs: number;
  endMs: number;
}

const usage = (message: string) =>
  new CrossbarError('USAGE', message, {
    hint: `--since takes 7d, 24h, 90m or an ISO date such as 2026-01-31, at most ${TRAIL_HISTORY_DAYS} days back (CloudTrail's event history)`,
  });

function startOf(text: string, now: number): number {
  const relative = /^(\d+)\s*([dhm])$/i.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    const unit = UNIT_MS[(relative[2] ?? 'd').toLowerCase()] ?? 0;
    if (amount <= 0) throw usage(`--since ${text} is an empty window`);
    return now - amount * unit;
  }
  // Only ISO dates: Date.parse would also take "March 7" and guess a year.
  if (!/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text))
    throw usage(`--since '${text}' is neither a duration nor an ISO date`);
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) throw usage(`--since '${text}' is not a valid date`);
  return ms;
}

export function parseSince(text: string, now: number): TrailWindow {
  const since = text.trim();
  const startMs = startOf(since, now);
  if (startMs >= now) throw usage(`--since ${since} starts in the future`);
  if (now - startMs > HISTORY_MS)
    throw usage(
      `--since ${since} reaches further back than the ${TRAIL_HISTORY_DAYS} days CloudTrail keeps in its event history`,
    );
  return { since, startMs, endMs: now };
}
