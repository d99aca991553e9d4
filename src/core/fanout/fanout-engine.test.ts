import { describe, expect, it } from 'vitest';
import { retryWait } from '../aws-clients/retry-wait.js';
import { collectFanout } from './run-fanout.js';
import { testAccounts } from '../../../test/helpers/test-accounts.js';

/**
 * A target whose call waits to retry (a throttle's backoff, the rate limiter) sends nothing meanwhile: its slot
 * goes to the next target, and it takes one back, ahead of new targets, before the retry. Fakes only: the
 * waits are announced as the retry strategy announces them (`retryWait`).
 */
const creds = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const root = { credentialsFor: async () => creds };

describe('concurrency slots while a call waits to retry', () => {
  it('a target waiting to retry lends its slot: the next target runs meanwhile', async () => {
    const finished: string[] = [];
    await collectFanout(root, {
      accounts: testAccounts(['waits', 'quick'], ['us-east-1']),
      concurrency: 1,
      work: async (t) => {
        if (t.account.name === 'waits') await retryWait(() => sleep(300));
        finished.push(t.account.name);
      },
    });
    expect(finished).toEqual(['quick', 'waits']);
  });

  it('denied twin: a target busy (not waiting to retry) keeps its slot, and the next target waits', async () => {
    const finished: string[] = [];
    await collectFanout(root, {
      accounts: testAccounts(['busy', 'quick'], ['us-east-1']),
      concurrency: 1,
      work: async (t) => {
        if (t.account.name === 'busy') await sleep(300);
        finished.push(t.account.name);
      },
    });
    expect(finished).toEqual(['busy', 'quick']);
  });

  it('never more than `concurrency` targets sending, nor more than twice `concurrency` started', async () => {
    let sending = 0;
    let started = 0;
    const peak = { sending: 0, started: 0 };
    const results = await collectFanout(root, {
      accounts: testAccounts(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], ['us-east-1', 'eu-west-1']),
      concurrency: 2,
      work: async () => {
        started += 1;
        sending += 1;
        peak.started = Math.max(peak.started, started);
        peak.sending = Math.max(peak.sending, sending);
        await sleep(5);
        sending -= 1;
        await retryWait(() => sleep(60));
        sending += 1;
        peak.sending = Math.max(peak.sending, sending);
        await sleep(5);
        sending -= 1;
        started -= 1;
        return 1;
      },
    });
    expect(results.filter((r) => r.ok)).toHaveLength(16);
    expect(peak.sending).toBeLessThanOrEqual(2);
    expect(peak.started).toBeGreaterThan(2);
    expect(peak.started).toBeLessThanOrEqual(4);
  });

  it('a target that times out while it waits to retry is reported once, and the run still ends', async () => {
    const results = await collectFanout(root, {
      accounts: testAccounts(['stuck', 'a', 'b'], ['us-east-1']),
      concurrency: 1,
      timeoutMs: 100,
      work: async (t) => {
        if (t.account.name === 'stuck') await retryWait(() => sleep(400));
        return t.account.name;
      },
    });
    const byName = new Map(results.map((r) => [r.target.account.name, r]));
    expect(results).toHaveLength(3);
    expect(byName.get('stuck')).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(byName.get('a')).toMatchObject({ ok: true, value: 'a' });
    expect(byName.get('b')).toMatchObject({ ok: true, value: 'b' });
  });
});
