import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from './keyed-limiter.js';

describe('KeyedLimiter', () => {
  it('lets `limit` holders per key through, the next in arrival order, and other keys freely', async () => {
    const limiter = new KeyedLimiter(2);
    const r1 = await limiter.acquire('k');
    const r2 = await limiter.acquire('k');
    const order: string[] = [];
    const third = limiter.acquire('k').then((release) => {
      order.push('third');
      return release;
    });
    const fourth = limiter.acquire('k').then((release) => {
      order.push('fourth');
      return release;
    });
    const other = await limiter.acquire('other');
    expect(limiter.held('k')).toBe(2);
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    r1();
    r1();
    (await third)();
    r2();
    (await fourth)();
    other();
    expect(order).toEqual(['third', 'fourth']);
    expect(limiter.held('k')).toBe(0);
    expect(limiter.held('other')).toBe(0);
  });
});
