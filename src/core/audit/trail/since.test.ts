import { describe, expect, it } from 'vitest';
import { parseSince } from './since.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('parseSince', () => {
  it('takes days, hours, minutes and ISO dates', () => {
    expect(parseSince('7d', NOW).startMs).toBe(NOW - 7 * 86_400_000);
    expect(parseSince('24h', NOW).startMs).toBe(NOW - 86_400_000);
    expect(parseSince('90m', NOW).startMs).toBe(NOW - 90 * 60_000);
    expect(parseSince('2026-02-01', NOW).startMs).toBe(Date.parse('2026-02-01'));
    expect(parseSince('2026-02-01T10:00:00Z', NOW)).toEqual({
      since: '2026-02-01T10:00:00Z',
      startMs: Date.parse('2026-02-01T10:00:00Z'),
      endMs: NOW,
    });
    expect(parseSince('90d', NOW).startMs).toBe(NOW - 90 * 86_400_000);
  });

  it('refuses what CloudTrail does not keep, the future, empty windows and prose, as usage errors', () => {
    for (const bad of ['91d', '2200h', '2025-01-01', '2026-04-01', '0d', 'last week', 'March 7', '7 days']) {
      expect(() => parseSince(bad, NOW), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});
