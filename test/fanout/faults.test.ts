import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stsClientFor } from '../../src/core/credentials/sts-client.js';
import { collectFanout, formatSummary, summarize, type FanoutAccount } from '../../src/core/fanout/index.js';
import type { FaultDecision, Faults } from '../../src/sandbox/faults.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Issue 9 item 1: under 5% errors and throttling (the sandbox's `--latency 20 --error-rate 0.05 --throttle 5`),
 * `crossbar run all` ends with every target ok, only slower: AssumeRole retries throttling and 5xx like every
 * other call, and the calls of one throttling scope share an adaptive rate limiter. A fault that persists fails
 * its target, and only its target, with a message that names the retry budget.
 */
const ACCOUNTS = 24;
let w: World;
beforeAll(async () => {
  w = await startWorld({ org: `generated:${ACCOUNTS}` });
});
afterAll(async () => {
  await w.stop();
});
beforeEach(() => {
  w.sb.faults.set({});
});

const FAULTS: Faults = { latencyMs: 20, errorRate: 0.05, throttleRps: 5 };

/** Counts what the sandbox answered, per `service/operation` and outcome (`ok`, `throttle`, `error`). */
function countAnswers(): { count: (key: string) => number; restore: () => void } {
  const faults = w.sb.faults;
  const original = faults.decide.bind(faults);
  const counts = new Map<string, number>();
  faults.decide = (...args: Parameters<typeof original>): FaultDecision => {
    const d = original(...args);
    const key = `${args[0].service}/${args[0].operation} ${d.fail ?? 'ok'}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    return d;
  };
  return {
    count: (key) => counts.get(key) ?? 0,
    restore: () => {
      faults.decide = original;
    },
  };
}

interface Line {
  account: string;
  name: string;
  region: string;
  status: string;
  error?: { code: string; message: string; hint?: string };
}

function ndjson(text: string): Line[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

const failures = (lines: Line[]) =>
  lines.filter((l) => l.status !== 'ok').map((l) => `${l.name}/${l.region} ${l.status} ${l.error?.message ?? ''}`);

describe('crossbar run under 5% errors and throttling', () => {
  it('ends with every target ok, throttled AssumeRoles retried; the credential cache it fills serves the next run', async () => {
    const home = w.newHome();
    const answers = countAnswers();
    w.sb.faults.set(FAULTS);
    try {
      const argv = ['run', 'all', '--regions', 'us-east-1,eu-west-1', '-o', 'ndjson', '--', 'ec2', 'DescribeInstances'];
      const r = await w.cli(argv, { CROSSBAR_HOME: home });
      const lines = ndjson(r.stdout);
      expect(failures(lines)).toEqual([]);
      expect(lines).toHaveLength(ACCOUNTS * 2);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`${ACCOUNTS * 2} ok, 0 failed`);
      // STS did throttle the cold run's AssumeRoles (24 from one account at 5 per second), and all were absorbed.
      expect(answers.count('sts/AssumeRole throttle')).toBeGreaterThan(0);
      expect(answers.count('sts/AssumeRole ok')).toBe(ACCOUNTS);

      // The cache written under faults is whole: a second run assumes no role at all.
      w.sb.faults.set({});
      const again = await w.cli(argv, { CROSSBAR_HOME: home });
      expect(failures(ndjson(again.stdout))).toEqual([]);
      expect(again.code).toBe(0);
      expect(answers.count('sts/AssumeRole ok')).toBe(ACCOUNTS);
    } finally {
      answers.restore();
    }
  }, 90_000);

  it('denied twin: a fault that persists on one account fails that account only, saying the retry budget is spent', async () => {
    w.sb.faults.set({
      ...FAULTS,
      rules: [
        { account: '200000000001', service: 'ec2', throttleRps: 0.001 },
        { account: '200000000002', service: 'ec2', errorRate: 1 },
      ],
    });
    const r = await w.cli([
      'run',
      'account-0001,account-0002,account-0003,account-0004',
      '--regions',
      'us-east-1,eu-west-1',
      '--timeout',
      '8',
      '-o',
      'ndjson',
      '--',
      'ec2',
      'DescribeInstances',
    ]);
    const lines = ndjson(r.stdout);
    expect(r.code).toBe(1);
    expect(lines).toHaveLength(8);
    for (const line of lines) {
      if (line.name === 'account-0001') {
        expect(line.status).toBe('THROTTLED');
        expect(line.error?.message).toMatch(
          /^throttled by EC2 \d+ times over \d+ s; gave up \(retry budget: 8 attempts or 4 s\)$/,
        );
        expect(line.error?.hint).toContain('--concurrency');
      } else if (line.name === 'account-0002') {
        expect(line.status).toBe('ERROR');
        expect(line.error?.message).toMatch(
          /^failed 8 times \(InternalError ×\d+(, throttled ×\d+)?\) over \d+ s; gave up \(retry budget: 8 attempts or 4 s\)$/,
        );
      } else {
        expect(line.status).toBe('ok');
      }
    }
    expect(r.stderr).toMatch(/4 ok, 4 failed \((THROTTLED ×2, ERROR ×2|ERROR ×2, THROTTLED ×2)\)/);
  }, 60_000);
});

describe('the credential path when STS keeps throttling', () => {
  /** alice's root with a short STS budget (the real one is 8 attempts or 30 s), and its own cache. */
  function root() {
    return w.crossbar(undefined, {
      stsClientFactory: (credentials, options) => stsClientFor(credentials, { ...options, retryBudgetMs: 3_000 }),
    });
  }

  it('denied twin: a persistent AssumeRole throttle fails each target with the budget; nothing bad is cached', async () => {
    const crossbar = root();
    const accounts: FanoutAccount[] = crossbar
      .selectAccounts('account-0001,account-0002,account-0003')
      .map((account) => ({ account, role: account.defaultRole }));
    const run = () =>
      collectFanout(crossbar, {
        accounts,
        regions: ['us-east-1'],
        work: (_t, ctx) => ctx.call('sts', 'GetCallerIdentity'),
      });
    w.sb.faults.set({ rules: [{ service: 'sts', operation: 'AssumeRole', throttleRps: 0.001 }] });
    const denied = await run();
    expect(formatSummary(summarize(denied))).toBe('0 ok, 3 failed (THROTTLED ×3)');
    for (const r of denied) {
      if (r.ok) continue;
      const arn = `arn:aws:iam::${r.target.account.id}:role/CrossbarReadOnly`;
      expect(r.error.message).toMatch(
        new RegExp(
          `^AssumeRole of ${arn} throttled by STS \\d+ times over \\d+ s; gave up \\(retry budget: 8 attempts or 3 s\\)$`,
        ),
      );
      expect(r.error.hint).toMatch(/--concurrency .*or again later/);
    }

    // The fault is gone: the same root (same cache) reaches every account.
    w.sb.faults.set({});
    const allowed = await run();
    expect(formatSummary(summarize(allowed))).toBe('3 ok, 0 failed');
  }, 60_000);
});
