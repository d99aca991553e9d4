import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { createProgressBar, renderProgressLine } from './progress.js';

const plain = pc.createColors(false);
const progress = (
  done: number,
  extra: Partial<{ failed: number; inFlight: number; etaMs: number | undefined }> = {},
) => ({
  total: 10,
  done,
  ok: done - (extra.failed ?? 0),
  failed: extra.failed ?? 0,
  inFlight: extra.inFlight ?? 2,
  elapsedMs: 100,
  etaMs: extra.etaMs,
});

function tty(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { write: (s: string) => writes.push(s), isTTY }, writes };
}

describe('progress bar', () => {
  it('shows done, failed, in flight and ETA', () => {
    expect(renderProgressLine(progress(5, { failed: 1, etaMs: 12_000 }), plain, 10)).toBe(
      '█████░░░░░ 5/10 done · 1 failed · 2 in flight · ETA 12s',
    );
    expect(renderProgressLine(progress(0), plain, 4)).toBe('░░░░ 0/10 done · 0 failed · 2 in flight · ETA …');
  });

  it('redraws at most every interval, with a trailing redraw, and erases itself at the end', async () => {
    const { stream, writes } = tty(true);
    let now = 0;
    const bar = createProgressBar(stream, { colors: plain, intervalMs: 100, now: () => now });
    bar.update(progress(1));
    bar.update(progress(2));
    bar.update(progress(3));
    expect(writes).toHaveLength(1);
    now = 100;
    await new Promise((r) => setTimeout(r, 130));
    expect(writes).toHaveLength(2);
    expect(writes[1]).toContain('3/10 done');
    bar.stop();
    expect(writes[2]).toBe('\r\x1b[2K');
    bar.update(progress(4));
    expect(writes).toHaveLength(3);
  });

  it('draws nothing when stderr is not a terminal', () => {
    const { stream, writes } = tty(false);
    const bar = createProgressBar(stream, { colors: plain });
    bar.update(progress(1));
    bar.stop();
    expect(writes).toEqual([]);
  });
});
