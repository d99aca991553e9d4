import { describe, expect, it } from 'vitest';
import { formatDuration, formatTags } from './format.js';

describe('formatDuration', () => {
  it('shows hours and minutes, minutes and seconds, or seconds', () => {
    expect(formatDuration(3_600_000)).toBe('1h 0m');
    expect(formatDuration(43_200_000)).toBe('12h 0m');
    expect(formatDuration(3_599_000)).toBe('59m 59s');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(0)).toBe('expired');
  });
});

describe('formatTags', () => {
  it('joins key=value pairs and skips the ones shown elsewhere', () => {
    expect(formatTags({ stage: 'dev', team: 'platform', 'cost-center': 'cc-100' }, ['stage'])).toBe(
      'team=platform, cost-center=cc-100',
    );
  });
});
