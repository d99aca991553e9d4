import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  collectFanout,
  coverageGrid,
  formatSummary,
  runFanout,
  summarize,
  type TargetResult,
} from '../../src/core/fanout/index.js';
import type { FaultDecision } from '../../src/sandbox/faults.js';
import type { Registry } from '../../src/core/config/registry.js';
import type { FanoutAccount } from '../../src/core/fanout/index.js';
import type { Credentials } from '../../src/core/credentials/index.js';
import { selectAccounts } from '../../src/core/select/select-accounts.js';
import { startWorld, type World } from '../helpers/world.js';

/** The engine against the in-process sandbox, with the real SDK, the real credential engine and injected faults. */
let w: World;
const configs = { alice: '', bob: '' };
beforeAll(async () => {
  w = await startWorld({ awsFiles: 'keys' });
  configs.alice = w.config('fanout-alice', fanoutConfig(w.sb.endpoint, 'alice'));
  configs.bob = w.config('fanout-bob', fanoutConfig(w.sb.endpoint, 'bob'));
});
afterAll(async () => {
  await w.stop();
});
beforeEach(() => {
  w.sb.faults.set({});
});

const reachable = 'development,staging,production,client-acme';

/**
 * The demo organization as the fan-out tests see it: the four member accounts as the sandbox seeds them, plus
 * two that cannot be reached (client-acme without its ExternalId, and an account outside the organization).
 */
function fanoutConfig(endpoint: string, profile: 'alice' | 'bob'): string {
  return `organization: { name: acme, namespace: acme }
source: { profile: ${profile} }
endpoint: ${endpoint}
defaults: { role: CrossbarReadOnly, regions: [us-east-1, eu-west-1] }
accounts:
  - { id: "222222222222", name: development, stage: dev }
  - { id: "333333333333", name: staging, stage: staging }
  - { id: "444444444444", name: production, stage: prod, roles: { admin: { name: administrator, mfa: required } } }
  - { id: "555555555555", name: client-acme, stage: client, external_id: acme-crossbar-7f3a9c }
  - { id: "555555555555", name: acme-without-id, stage: client-no-external-id }
  - { id: "666666666666", name: outsider, stage: dev }
`;
}

const registries = new Map<'alice' | 'bob', Registry>();
function registry(who: 'alice' | 'bob'): Registry {
  let r = registries.get(who);
  if (!r) registries.set(who, (r = w.registry(configs[who])));
  return r;
}

/** `credentialsFor` of alice's or bob's root with its own empty cache, recording the accounts it was asked for. */
function engine(who: 'alice' | 'bob' = 'alice') {
  const crossbar = w.crossbar(configs[who], { registry: registry(who) });
  const calls: string[] = [];
  const credentialsFor = (fa: FanoutAccount): Promise<Credentials> => {
    calls.push(fa.account.name);
    return crossbar.engine.getCredentials(fa);
  };
  return { credentialsFor, calls };
}

/** The selected accounts with their default role, as alice or bob sees them. */
function accounts(selector: string, who: 'alice' | 'bob' = 'alice'): FanoutAccount[] {
  return selectAccounts(registry(who), selector).map((account) => ({ account, role: account.defaultRole }));
}

/** `name/region` of every result, for exactly-once checks. */
function keysOf(results: readonly { target: { account: { name: string }; region: string } }[]): string[] {
  return results.map((r) => `${r.target.account.name}/${r.target.region}`);
}

/** DescribeInstances' instance count: the value every test below reads. */
const instances = async (_t: unknown, ctx: { call(s: string, o: string): Promise<Record<string, unknown>> }) => {
  const out = await ctx.call('ec2', 'DescribeInstances');
  const reservations = Array.isArray(out['Reservations']) ? out['Reservations'] : [];
  return reservations.reduce((n: number, r: { Instances?: unknown[] }) => n + (r.Instances?.length ?? 0), 0);
};

function byKey<T>(results: readonly TargetResult<T>[]): Map<string, TargetResult<T>> {
  return new Map(results.map((r) => [`${r.target.account.name}/${r.target.region}`, r]));
}

/** Counts the sandbox's throttling answers, to prove that throttling happened and was absorbed. */
function countThrottles(): { count: () => number; restore: () => void } {
  const faults = w.sb.faults;
  const original = faults.decide.bind(faults);
  let throttled = 0;
  faults.decide = (...args: Parameters<typeof original>): FaultDecision => {
    const d = original(...args);
    if (d.fail === 'throttle') throttled += 1;
    return d;
  };
  return {
    count: () => throttled,
    restore: () => {
      faults.decide = original;
    },
  };
}

describe('fan-out across the demo organization', () => {
  it("reports every target exactly once, with values, and asks for each account's credentials once", async () => {
    const { credentialsFor, calls } = engine();
    const regions = ['us-east-1', 'eu-west-1', 'us-west-2'];
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts(reachable),
        regions,
        work: instances,
      },
    );
    expect(results).toHaveLength(12);
    expect(new Set(keysOf(results)).size).toBe(12);
    expect(results.every((r) => r.ok)).toBe(true);
    const got = byKey(results);
    expect(got.get('development/us-east-1')).toMatchObject({ ok: true, value: 3 });
    expect(got.get('production/eu-west-1')).toMatchObject({ ok: true, value: 2 });
    expect(got.get('staging/us-west-2')).toMatchObject({ ok: true, value: 0 });
    expect(calls.sort()).toEqual(['client-acme', 'development', 'production', 'staging']);
  });

  it('under latency, 5xx errors and throttling every target is still reported once, and throttled ones end ok', async () => {
    const { credentialsFor } = engine();
    const throttles = countThrottles();
    // Faults on EC2 only: STS (the credential engine's own retries) is not what this test is about. The sandbox,
    // as AWS, throttles per account and region: each target reads its instances four times at once, past the
    // bucket's burst of two.
    w.sb.faults.set({
      latencyMs: 15,
      jitterMs: 10,
      rules: [{ service: 'ec2', latencyMs: 15, jitterMs: 10, errorRate: 0.15, throttleRps: 2 }],
    });
    try {
      const regions = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1', 'ap-south-1'];
      const results = await collectFanout(
        {
          endpoint: w.sb.endpoint,
          credentialsFor,
        },
        {
          accounts: accounts(reachable),
          regions,
          work: async (t, ctx) => {
            const counts = await Promise.all([1, 2, 3, 4].map(() => instances(t, ctx)));
            if (new Set(counts).size !== 1) throw new Error(`four reads disagree: ${counts.join(', ')}`);
            return counts[0] ?? 0;
          },
          maxAttempts: 10,
        },
      );
      expect(results).toHaveLength(20);
      expect(new Set(keysOf(results)).size).toBe(20);
      // At least two of every target's four reads were throttled at first (a burst of two per account and region).
      expect(throttles.count()).toBeGreaterThanOrEqual(40);
      expect(byKey(results).get('development/us-east-1')).toMatchObject({ ok: true, value: 3 });
      expect(
        results
          .filter((r) => !r.ok)
          .map((r) => !r.ok && `${r.target.account.name}/${r.target.region} ${r.error.code} ${r.error.message}`),
      ).toEqual([]);
    } finally {
      throttles.restore();
    }
  });

  it('a denied account is reported DENIED with the reason in every region, not dropped', async () => {
    const { credentialsFor } = engine('bob');
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development,acme-without-id,outsider', 'bob'),
        regions: ['us-east-1', 'eu-west-1'],
        work: instances,
      },
    );
    expect(results).toHaveLength(6);
    const got = byKey(results);
    for (const region of ['us-east-1', 'eu-west-1']) {
      expect(got.get(`development/${region}`)?.ok).toBe(true);
      const acme = got.get(`acme-without-id/${region}`);
      expect(acme).toMatchObject({
        ok: false,
        error: { code: 'DENIED', reason: 'ExternalId', awsCode: 'AccessDenied' },
      });
      const outsider = got.get(`outsider/${region}`);
      expect(outsider).toMatchObject({ ok: false, error: { code: 'DENIED' } });
      if (outsider && !outsider.ok)
        expect(outsider.error.message).toContain('arn:aws:iam::666666666666:role/CrossbarReadOnly');
    }
    expect(formatSummary(summarize(results))).toBe('2 ok, 4 failed (DENIED ×4)');
  });

  it("a role the source may not assume is DENIED with AWS's reason; its allowed twin succeeds", async () => {
    const { credentialsFor } = engine('bob');
    const prod = accounts('production', 'bob')[0];
    if (!prod) throw new Error('no production');
    const admin = prod.account.roles.find((r) => r.key === 'admin');
    if (!admin) throw new Error('no admin role');
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: [prod, { ...prod, role: admin }],
        regions: ['us-east-1'],
        work: instances,
      },
    );
    const [readOnly, denied] = [
      results.find((r) => r.target.role.key !== 'admin'),
      results.find((r) => r.target.role.key === 'admin'),
    ];
    expect(readOnly).toMatchObject({ ok: true, value: 3 });
    expect(denied).toMatchObject({ ok: false, error: { code: 'DENIED' } });
    if (denied && !denied.ok)
      expect(denied.error.reason ?? denied.error.message).toMatch(/MFA|caller policy|trust policy/);
  });

  it('a region the account has not enabled is REGION_DISABLED; the account that opted in answers', async () => {
    const { credentialsFor } = engine();
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development,production'),
        regions: ['eu-south-1', 'us-east-1'],
        work: instances,
      },
    );
    const got = byKey(results);
    expect(got.get('development/eu-south-1')).toMatchObject({
      ok: false,
      error: { code: 'REGION_DISABLED', awsCode: 'AuthFailure' },
    });
    expect(got.get('production/eu-south-1')).toMatchObject({ ok: true, value: 2 });
    expect(got.get('development/us-east-1')?.ok).toBe(true);
  });

  it('--regions all expands each account by its own opt-in status', async () => {
    const { credentialsFor } = engine();
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development,production'),
        regions: 'all',
        work: instances,
      },
    );
    const regionsOf = (name: string) =>
      results
        .filter((r) => r.target.account.name === name)
        .map((r) => r.target.region)
        .sort();
    const enabled = w.sb.world.regions
      .filter((r) => !r.optInRequired)
      .map((r) => r.name)
      .sort();
    expect(regionsOf('development')).toEqual(enabled);
    expect(regionsOf('production')).toEqual([...enabled, 'eu-south-1'].sort());
    expect(results.every((r) => r.ok)).toBe(true);
    expect(coverageGrid(results).regions).toContain('eu-south-1');
  });

  it('--regions all for a denied account reports the whole account once, and the grid fills its row', async () => {
    const { credentialsFor } = engine('bob');
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development,acme-without-id', 'bob'),
        regions: 'all',
        work: instances,
      },
    );
    const acme = results.filter((r) => r.target.account.name === 'acme-without-id');
    expect(acme).toHaveLength(1);
    expect(acme[0]).toMatchObject({ ok: false, target: { region: '*' }, error: { code: 'DENIED' } });
    const grid = coverageGrid(results);
    const row = grid.rows.find((r) => r.name === 'acme-without-id');
    expect(Object.keys(row?.cells ?? {})).toHaveLength(grid.regions.length);
  });

  it('a region that does not exist is INVALID with the closest names; the other regions run', async () => {
    const { credentialsFor } = engine();
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development'),
        regions: ['us-east-1', 'eu-wst-1', 'xx-nowhere-1', 'Mars'],
        work: instances,
      },
    );
    const got = byKey(results);
    expect(got.get('development/us-east-1')?.ok).toBe(true);
    for (const bad of ['eu-wst-1', 'xx-nowhere-1', 'Mars'])
      expect(got.get(`development/${bad}`)).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const typo = got.get('development/eu-wst-1');
    if (typo && !typo.ok) expect(typo.error.message).toContain("did you mean 'eu-west-1'");
  });

  it('a target slower than its timeout is TIMEOUT; the others finish', async () => {
    const { credentialsFor } = engine();
    await credentialsFor(
      accounts('development')[0] ??
        (() => {
          throw new Error();
        })(),
    );
    w.sb.faults.set({ rules: [{ service: 'ec2', account: '333333333333', latencyMs: 2_000 }] });
    const started = Date.now();
    const results = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development,staging'),
        regions: ['us-east-1'],
        work: instances,
        timeoutMs: 400,
      },
    );
    expect(Date.now() - started).toBeLessThan(1_800);
    const got = byKey(results);
    expect(got.get('development/us-east-1')?.ok).toBe(true);
    expect(got.get('staging/us-east-1')).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('Ctrl-C mid-run keeps the finished results and reports every other target INTERRUPTED', async () => {
    const { credentialsFor } = engine();
    w.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 300 }] });
    const stop = new AbortController();
    const regions = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1'];
    const results: TargetResult<number>[] = [];
    const started = Date.now();
    const run = runFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts(reachable),
        regions,
        work: instances,
        concurrency: 2,
        signal: stop.signal,
      },
    );
    for await (const r of run) {
      results.push(r);
      if (results.length === 3) stop.abort('SIGINT');
    }
    await run.done;
    // 16 targets at 300 ms, two at a time, would take 2.4 s; the run stops at once instead.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(results).toHaveLength(16);
    expect(new Set(keysOf(results)).size).toBe(16);
    expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
    const rest = results.slice(3);
    expect(rest.every((r) => !r.ok && r.error.code === 'INTERRUPTED')).toBe(true);
    expect(run.progress()).toMatchObject({ total: 16, done: 16, inFlight: 0 });
  });

  it('bounds targets in flight globally and per account', async () => {
    const { credentialsFor } = engine();
    let now = 0;
    let peak = 0;
    const perAccount = new Map<string, number>();
    let peakPerAccount = 0;
    const regions = ['us-east-1', 'eu-west-1', 'us-west-2', 'eu-central-1', 'ap-south-1', 'sa-east-1'];
    await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts(reachable),
        regions,
        concurrency: 5,
        perAccount: 2,
        work: async (target) => {
          now += 1;
          peak = Math.max(peak, now);
          const n = (perAccount.get(target.account.id) ?? 0) + 1;
          perAccount.set(target.account.id, n);
          peakPerAccount = Math.max(peakPerAccount, n);
          await new Promise((r) => setTimeout(r, 20));
          now -= 1;
          perAccount.set(target.account.id, n - 1);
          return 0;
        },
      },
    );
    expect(peak).toBe(5);
    expect(peakPerAccount).toBe(2);
  });

  it('bounds calls of one API in one account and region', async () => {
    const { credentialsFor } = engine();
    w.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 150 }] });
    const started = Date.now();
    const [result] = await collectFanout(
      {
        endpoint: w.sb.endpoint,
        credentialsFor,
      },
      {
        accounts: accounts('development'),
        regions: ['us-east-1'],
        perApiPerRegion: 2,
        work: async (_t, ctx) => Promise.all(Array.from({ length: 6 }, () => ctx.call('ec2', 'DescribeInstances'))),
      },
    );
    // Six calls two at a time: three rounds of 150 ms, not one.
    expect(Date.now() - started).toBeGreaterThanOrEqual(420);
    expect(result?.ok).toBe(true);
  });
});
