import { describe, expect, it } from 'vitest';
import { parseTrailSince } from './trail-since.js';

const now = Date.parse('2026-12-05T12:00:00Z');

describe('parseTrailSince', () => {
  it('takes durations and ISO dates', () => {
    expect(parseTrailSince('7d', now)).toBe('2026-11-28T12:00:00.000Z');
    expect(parseTrailSince('24h', now)).toBe('2026-12-04T12:00:00.000Z');
    expect(parseTrailSince('30m', now)).toBe('2026-12-05T11:30:00.000Z');
    expect(parseTrailSince('2026-01-31', now)).toBe('2026-01-31T00:00:00.000Z');
    expect(parseTrailSince('2026-01-31T12:00:00+02:00', now)).toBe('2026-01-31T10:00:00.000Z');
  });

  it('refuses what is neither, as a usage error', () => {
    for (const bad of ['March 7', '7 weeks', '0d', '2026-13-45', '', '7y'])
      expect(() => parseTrailSince(bad, now)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
