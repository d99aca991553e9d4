import { describe, expect, it } from 'vitest';
import { CrossbarError } from '../errors.js';
import { collectFanout, runFanout } from './run-fanout.js';
import { TargetFailure } from './types.js';
import { testAccounts } from '../../../test/helpers/test-accounts.js';
import type { TargetResult } from './types.js';

/** The engine with fake credentials and work: scheduling, exactly-once, failures and Ctrl-C, no network. */
const creds = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runFanout', () => {
  it("reports each target exactly once, using each account's configured regions by default", async () => {
    const accounts = testAccounts(['a', 'b', 'c'], ['us-east-1', 'eu-west-1']);
    const asked: string[] = [];
    const results = await collectFanout(
      {
        credentialsFor: async (fa) => {
          asked.push(fa.account.name);
          return creds;
        },
      },
      {
        accounts,
        work: async (t) => `${t.account.name}@${t.region}`,
      },
    );
    expect(results.map((r) => (r.ok ? r.value : '')).sort()).toEqual([
      'a@eu-west-1',
      'a@us-east-1',
      'b@eu-west-1',
      'b@us-east-1',
      'c@eu-west-1',
      'c@us-east-1',
    ]);
    expect(asked.sort()).toEqual(['a', 'b', 'c']);
  });

  it("fails every region of an account whose credentials fail, once, with the engine's reason", async () => {
    const accounts = testAccounts(['ok', 'denied'], ['us-east-1', 'eu-west-1']);
    let calls = 0;
    const results = await collectFanout(
      {
        credentialsFor: async (fa) => {
          calls += 1;
          if (fa.account.name === 'denied')
            throw new CrossbarError('ROLE_ASSUME_DENIED', 'Could not assume arn:aws:iam::100000000001:role/ReadOnly', {
              hint: 'check the trust policy',
            });
          return creds;
        },
      },
      {
        accounts,
        work: async () => 1,
      },
    );
    expect(calls).toBe(2);
    const denied = results.filter((r) => r.target.account.name === 'denied');
    expect(denied).toHaveLength(2);
    expect(denied.every((r) => !r.ok && r.error.code === 'DENIED' && r.error.hint === 'check the trust policy')).toBe(
      true,
    );
  });

  it("keeps a failed target's value when the work throws TargetFailure, and classifies other throws", async () => {
    const accounts = testAccounts(['a'], ['us-east-1', 'eu-west-1']);
    const results = await collectFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts,
        work: async (t) => {
          if (t.region === 'us-east-1')
            throw new TargetFailure({ code: 'ERROR', message: 'exited with 3' }, { exitCode: 3 });
          throw Object.assign(new Error('Rate exceeded'), {
            name: 'ThrottlingException',
            $metadata: { httpStatusCode: 400 },
          });
        },
      },
    );
    const byRegion = new Map(results.map((r) => [r.target.region, r]));
    expect(byRegion.get('us-east-1')).toMatchObject({
      ok: false,
      value: { exitCode: 3 },
      error: { code: 'ERROR', message: 'exited with 3' },
    });
    expect(byRegion.get('eu-west-1')).toMatchObject({
      ok: false,
      error: { code: 'THROTTLED', awsCode: 'ThrottlingException', message: 'Rate exceeded' },
    });
  });

  it('times out a target whose work ignores its signal, without waiting for it', async () => {
    const started = Date.now();
    const [result] = await collectFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts: testAccounts(['slow']),
        timeoutMs: 50,
        work: () => new Promise(() => {}),
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('times out an account whose credentials never come', async () => {
    const [result] = await collectFanout(
      {
        credentialsFor: () => new Promise(() => {}),
      },
      {
        accounts: testAccounts(['stuck']),
        timeoutMs: 50,
        work: async () => 1,
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('on abort stops starting work, aborts work in flight and reports the rest INTERRUPTED', async () => {
    const stop = new AbortController();
    const accounts = testAccounts(['a', 'b', 'c', 'd', 'e'], ['us-east-1', 'eu-west-1']);
    let started = 0;
    const results: TargetResult<number>[] = [];
    const run = runFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts,
        concurrency: 2,
        signal: stop.signal,
        work: async (_t, ctx) => {
          started += 1;
          await sleep(30);
          if (ctx.signal.aborted) throw new Error('aborted');
          return 1;
        },
      },
    );
    for await (const r of run) {
      results.push(r);
      if (results.length === 2) stop.abort('SIGINT');
    }
    await run.done;
    expect(results).toHaveLength(10);
    expect(results.slice(0, 2).every((r) => r.ok)).toBe(true);
    expect(results.slice(2).every((r) => !r.ok && r.error.code === 'INTERRUPTED')).toBe(true);
    expect(started).toBeLessThanOrEqual(4);
  });

  it('with an aborted signal at the start reports everything INTERRUPTED and calls nothing', async () => {
    const stop = new AbortController();
    stop.abort();
    let called = 0;
    const results = await collectFanout(
      {
        credentialsFor: async () => {
          called += 1;
          return creds;
        },
      },
      {
        accounts: testAccounts(['a', 'b']),
        signal: stop.signal,
        work: async () => 1,
      },
    );
    expect(results).toHaveLength(2);
    expect(results.every((r) => !r.ok && r.error.code === 'INTERRUPTED')).toBe(true);
    expect(called).toBe(0);
  });

  it('runs a region named twice once', async () => {
    const results = await collectFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts: testAccounts(['a']),
        regions: ['us-east-1', 'us-east-1'],
        work: async () => 1,
      },
    );
    expect(results).toHaveLength(1);
  });

  it('refuses region names that cannot be regions without asking AWS', async () => {
    const results = await collectFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts: testAccounts(['a']),
        regions: ['us-east-1', 'mars', 'eu_west_1'],
        work: async () => 1,
      },
    );
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && [r.target.region, r.error.code])).toEqual(
      expect.arrayContaining([
        ['mars', 'INVALID'],
        ['eu_west_1', 'INVALID'],
      ]),
    );
  });

  it('streams through onResult without buffering, and reports progress', async () => {
    const seen: string[] = [];
    const totals: number[] = [];
    const run = runFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts: testAccounts(['a', 'b']),
        buffer: false,
        work: async () => 1,
        onResult: (r) => seen.push(r.target.account.name),
        onProgress: (p) => totals.push(p.done),
      },
    );
    await run.done;
    expect(seen.sort()).toEqual(['a', 'b']);
    expect(totals).toEqual([1, 2]);
    expect(run.progress()).toMatchObject({ total: 2, done: 2, ok: 2, failed: 0, inFlight: 0 });
  });

  it('survives a listener that throws', async () => {
    const results = await collectFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts: testAccounts(['a', 'b']),
        work: async () => 1,
        onResult: () => {
          throw new Error('bug');
        },
      },
    );
    expect(results).toHaveLength(2);
  });

  it("gives pooled clients of the target's account in its own region, or in another when asked", async () => {
    const accounts = testAccounts(['a'], ['us-east-1', 'eu-west-1']);
    const regionOf = async (client: { config: unknown }) => {
      const config = client.config as { region: () => Promise<string> };
      return config.region();
    };
    const results = await collectFanout(
      {
        credentialsFor: async () => creds,
      },
      {
        accounts,
        work: async (_t, ctx) => {
          const own = await ctx.client('s3');
          const other = await ctx.client('s3', { region: 'ap-southeast-2' });
          expect(await ctx.client('s3', { region: 'ap-southeast-2' })).toBe(other);
          expect(await ctx.client('s3')).toBe(own);
          return [await regionOf(own), await regionOf(other)];
        },
      },
    );
    expect(results.map((r) => (r.ok ? r.value : [])).sort()).toEqual([
      ['eu-west-1', 'ap-southeast-2'],
      ['us-east-1', 'ap-southeast-2'],
    ]);
  });
});
