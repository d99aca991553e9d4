import { describe, expect, it } from 'vitest';
import { VendCache, type Vended } from './vend-cache.js';

function setup() {
  const clock = { now: 1_000_000 };
  const cache = new VendCache<string>({ now: () => clock.now });
  let calls = 0;
  const fetchFor =
    (who: string, lifeMs = 3600_000) =>
    async (): Promise<Vended<string>> => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      return { value: `${who}#${calls}`, expiresAt: clock.now + lifeMs };
    };
  const key = (member: string, role = 'readonly') => ({ member, workspace: 'ws', account: '111', role });
  return { clock, cache, fetchFor, key, calls: () => calls };
}

describe('VendCache', () => {
  it('makes one fetch for 50 concurrent asks of one member, and serves it warm after', async () => {
    const { cache, fetchFor, key, calls } = setup();
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.get(key('bob'), fetchFor('bob'))));
    expect(calls()).toBe(1);
    expect(new Set(answers.map((a) => a.value))).toEqual(new Set(['bob#1']));
    expect(answers.filter((a) => !a.cached)).toHaveLength(1);
    expect((await cache.get(key('bob'), fetchFor('bob'))).cached).toBe(true);
    expect(calls()).toBe(1);
  });

  it('never shares between members: 50 members asking at once make 50 fetches, each gets their own', async () => {
    const { cache, fetchFor, key, calls } = setup();
    const members = Array.from({ length: 50 }, (_, i) => `m${i}`);
    const answers = await Promise.all(members.map((m) => cache.get(key(m), fetchFor(m))));
    expect(calls()).toBe(50);
    answers.forEach((a, i) => expect(a.value.startsWith(`m${i}#`)).toBe(true));
  });

  it('keeps roles, workspaces and durations apart', async () => {
    const { cache, fetchFor, key, calls } = setup();
    await cache.get(key('bob', 'readonly'), fetchFor('bob'));
    await cache.get(key('bob', 'admin'), fetchFor('bob'));
    await cache.get({ ...key('bob'), workspace: 'other' }, fetchFor('bob'));
    await cache.get({ ...key('bob'), durationSeconds: 900 }, fetchFor('bob'));
    expect(calls()).toBe(4);
  });

  it('refreshes 5 minutes before expiry, not earlier', async () => {
    const { clock, cache, fetchFor, key, calls } = setup();
    await cache.get(key('bob'), fetchFor('bob', 3600_000));
    clock.now += 3600_000 - 5 * 60_000 - 1;
    expect((await cache.get(key('bob'), fetchFor('bob'))).cached).toBe(true);
    clock.now += 2;
    const refreshed = await cache.get(key('bob'), fetchFor('bob'));
    expect(refreshed.cached).toBe(false);
    expect(calls()).toBe(2);
  });

  it('does not cache a failure: the next ask tries again', async () => {
    const { cache, fetchFor, key, calls } = setup();
    const failing = () => Promise.reject(new Error('denied'));
    const both = await Promise.allSettled([cache.get(key('bob'), failing), cache.get(key('bob'), failing)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await cache.get(key('bob'), fetchFor('bob'))).value).toBe('bob#1');
    expect(calls()).toBe(1);
  });

  it('forgets a member, in one workspace or all', async () => {
    const { cache, fetchFor, key } = setup();
    await cache.get(key('bob'), fetchFor('bob'));
    await cache.get({ ...key('bob'), workspace: 'other' }, fetchFor('bob'));
    await cache.get(key('carol'), fetchFor('carol'));
    cache.forgetMember('bob', 'ws');
    expect(cache.size).toBe(2);
    cache.forgetMember('bob');
    expect(cache.size).toBe(1);
    expect((await cache.get(key('carol'), fetchFor('carol'))).cached).toBe(true);
  });
});
