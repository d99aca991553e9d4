import { describe, expect, it } from 'vitest';
import { mapBounded } from './map-bounded.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('mapBounded', () => {
  it('keeps the input order and never has more than the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapBounded(
      Array.from({ length: 50 }, (_, i) => i),
      8,
      async (n) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await tick();
        inFlight -= 1;
        return n * 2;
      },
    );
    expect(out).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    expect(most).toBe(8);
  });

  it('starts nothing new after a failure, and throws it', async () => {
    const started: number[] = [];
    const run = mapBounded(
      Array.from({ length: 20 }, (_, i) => i),
      2,
      async (n) => {
        started.push(n);
        await tick();
        if (n === 1) throw new Error('boom');
        return n;
      },
    );
    await expect(run).rejects.toThrow('boom');
    await tick();
    expect(started.length).toBeLessThanOrEqual(3);
  });

  it('handles an empty list', async () => {
    expect(await mapBounded([], 8, async () => 1)).toEqual([]);
  });
});

describe('mapBounded', () => {
  it('never has more than the limit in flight and keeps the order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (n) => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2 + (n % 4)));
        inFlight -= 1;
        return n * 2;
      },
    );
    expect(peak).toBe(3);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(await mapBounded([], 8, () => Promise.resolve(1))).toEqual([]);
  });
});
