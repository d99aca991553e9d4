import { CrossbarError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since 7d | 24h | 30m | 2026-01-31[T12:00:00Z]` as the ISO timestamp the trail's `at` is compared with.
 * Only durations and ISO dates: Date.parse would also take "March 7" and guess a year.
 */
export function parseTrailSince(text: string, now: number): string {
  const since = text.trim();
  const usage = (why: string) =>
    new CrossbarError('USAGE', `--since '${since}' ${why}`, {
      hint: '--since takes 7d, 24h, 30m or an ISO date such as 2026-01-31 or 2026-01-31T12:00:00Z',
    });
  const relative = /^(\d+)\s*([dhm])$/i.exec(since);
  if (relative) {
    const amount = Number(relative[1]);
    if (amount <= 0) throw usage('is an empty window');
    return new Date(now - amount * (UNIT_MS[(relative[2] ?? 'd').toLowerCase()] ?? 0)).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(since))
    throw usage('is neither a duration nor an ISO date');
  const ms = Date.parse(since);
  if (!Number.isFinite(ms)) throw usage('is not a valid date');
  return new Date(ms).toISOString();
}
