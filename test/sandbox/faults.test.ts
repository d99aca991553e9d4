import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { FaultInjector } from '../../src/sandbox/faults.js';
import {
  DEVELOPMENT,
  PRODUCTION,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
  sts,
} from '../helpers/sandbox-clients.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});
beforeEach(() => {
  sb.faults.set({});
});

async function timed(p: Promise<unknown>): Promise<number> {
  const t = Date.now();
  await p;
  return Date.now() - t;
}

describe('faults on demand', () => {
  it('latency delays every answer, and none is added without it', async () => {
    const client = sts(sb, keysOf(sb, 'alice'));
    // A warm client, then the best of three: a loaded machine slows a call, it never speeds one up.
    await client.send(new GetCallerIdentityCommand({}));
    const fastest = async () =>
      Math.min(
        ...[
          await timed(client.send(new GetCallerIdentityCommand({}))),
          await timed(client.send(new GetCallerIdentityCommand({}))),
          await timed(client.send(new GetCallerIdentityCommand({}))),
        ],
      );
    const without = await fastest();
    sb.faults.set({ latencyMs: 400 });
    const withLatency = await fastest();
    expect(withLatency).toBeGreaterThanOrEqual(395);
    expect(withLatency - without).toBeGreaterThanOrEqual(300);
  });

  it('jitter spreads latency around its mean', () => {
    let i = 0;
    const seq = [0, 1, 0.5];
    const f = new FaultInjector({ latencyMs: 100, jitterMs: 40 }, () => seq[i++ % seq.length] ?? 0.5);
    const call = { account: '1', region: 'us-east-1', service: 'sts', operation: 'X' };
    expect([0, 1, 2].map(() => f.decide(call, 0).delayMs)).toEqual([60, 140, 100]);
  });

  it('a throttling bucket is per account, region and API, as AWS keeps them', () => {
    const f = new FaultInjector({ throttleRps: 2 });
    const call = { account: '1', region: 'us-east-1', service: 'ec2', operation: 'DescribeInstances' };
    const fails = (c: typeof call, n: number) => Array.from({ length: n }, () => f.decide(c, 0).fail ?? 'ok');
    // A burst of one second's worth, then throttled until the bucket refills.
    expect(fails(call, 3)).toEqual(['ok', 'ok', 'throttle']);
    expect(f.decide(call, 500).fail).toBeUndefined();
    expect(f.decide(call, 500).fail).toBe('throttle');
    // Another region, account or API of the same caller has a bucket of its own.
    expect(fails({ ...call, region: 'eu-west-1' }, 3)).toEqual(['ok', 'ok', 'throttle']);
    expect(fails({ ...call, account: '2' }, 2)).toEqual(['ok', 'ok']);
    expect(fails({ ...call, operation: 'DescribeVpcs' }, 2)).toEqual(['ok', 'ok']);
    expect(f.stats()).toEqual({
      'ec2:DescribeInstances': { requests: 10, throttled: 3, errors: 0 },
      'ec2:DescribeVpcs': { requests: 2, throttled: 0, errors: 0 },
    });
  });

  it("a bucket's capacity can be set apart from its refill rate, as AWS's buckets have both", () => {
    const call = { account: '1', region: 'us-east-1', service: 'ec2', operation: 'DescribeInstances' };
    const f = new FaultInjector({ rules: [{ service: 'ec2', throttleRps: 5, throttleBurst: 1 }] });
    // One request, then none until a fifth of a second has refilled one token.
    expect([f.decide(call, 0).fail, f.decide(call, 100).fail, f.decide(call, 200).fail]).toEqual([
      undefined,
      'throttle',
      undefined,
    ]);
    // The twin: without a capacity, one second's worth (five) passes at once.
    const g = new FaultInjector({ rules: [{ service: 'ec2', throttleRps: 5 }] });
    expect(Array.from({ length: 6 }, () => g.decide(call, 0).fail ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'throttle',
    ]);
  });

  it('error rate 1 answers 5xx in each protocol family; 0 answers normally', async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    sb.faults.set({ errorRate: 1 });
    const q = await failure(sts(sb, keysOf(sb, 'alice')).send(new GetCallerIdentityCommand({})));
    expect(q.status).toBeGreaterThanOrEqual(500);
    const e = await failure(new EC2Client(clientConfig(sb, dev)).send(new DescribeInstancesCommand({})));
    expect(e).toMatchObject({ name: 'InternalError', status: 500 });
    const j = await failure(
      new OrganizationsClient(clientConfig(sb, keysOf(sb, 'alice'))).send(new ListAccountsCommand({})),
    );
    expect(j).toMatchObject({ name: 'InternalFailure', status: 500 });
    sb.faults.set({ errorRate: 0 });
    await expect(sts(sb, keysOf(sb, 'alice')).send(new GetCallerIdentityCommand({}))).resolves.toHaveProperty(
      'Account',
    );
  });

  it('a fault rule for one account and service leaves other accounts alone', async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    sb.faults.set({ rules: [{ account: '111111111111', service: 'sts', errorRate: 1 }] });
    const f = await failure(sts(sb, keysOf(sb, 'alice')).send(new GetCallerIdentityCommand({})));
    expect(f.status).toBeGreaterThanOrEqual(500);
    await expect(sts(sb, dev).send(new GetCallerIdentityCommand({}))).resolves.toHaveProperty('Account', DEVELOPMENT);
  });

  it("throttles per account, region and API with AWS's throttling errors; other APIs, regions and accounts pass", async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    const prod = await readOnlySession(sb, PRODUCTION);
    sb.faults.set({ throttleRps: 2 });
    const ec2Dev = new EC2Client(clientConfig(sb, dev));
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => ec2Dev.send(new DescribeInstancesCommand({}))),
    );
    const throttled = results.filter((r) => r.status === 'rejected');
    expect(throttled.length).toBeGreaterThanOrEqual(3);
    expect(
      throttled.every(
        (r) => r.status === 'rejected' && (r.reason as { name?: string }).name === 'RequestLimitExceeded',
      ),
    ).toBe(true);
    // A different API in the same account, the same API in another region of the account (AWS's buckets are per
    // region) and the same API in another account have their own budgets.
    await expect(new IAMClient(clientConfig(sb, dev)).send(new ListRolesCommand({}))).resolves.toHaveProperty('Roles');
    await expect(
      new EC2Client(clientConfig(sb, dev, 'eu-west-1')).send(new DescribeInstancesCommand({})),
    ).resolves.toHaveProperty('Reservations');
    await expect(new EC2Client(clientConfig(sb, prod)).send(new DescribeInstancesCommand({}))).resolves.toHaveProperty(
      'Reservations',
    );
    const iamThrottle = await Promise.allSettled(
      Array.from({ length: 6 }, () => new IAMClient(clientConfig(sb, dev)).send(new ListRolesCommand({}))),
    );
    const names = iamThrottle
      .filter((r) => r.status === 'rejected')
      .map((r) => (r as PromiseRejectedResult).reason as { name?: string });
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((e) => e.name === 'Throttling' || e.name === 'ThrottlingException')).toBe(true);
  });

  it("a throttled caller with the SDK's retries ends ok", async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    sb.faults.set({ throttleRps: 5 });
    const client = new EC2Client({
      endpoint: sb.endpoint,
      region: 'us-east-1',
      credentials: dev,
      maxAttempts: 8,
      retryMode: 'adaptive',
    });
    const results = await Promise.all(Array.from({ length: 12 }, () => client.send(new DescribeInstancesCommand({}))));
    expect(results.every((r) => Array.isArray(r.Reservations))).toBe(true);
  });

  it('faults can be changed over HTTP, as the CLI flags set them', async () => {
    const put = await fetch(`${sb.endpoint}/_sandbox/faults`, {
      method: 'PUT',
      body: JSON.stringify({ latencyMs: 5, throttleRps: 100 }),
    });
    expect(put.status).toBe(200);
    expect(sb.faults.get()).toEqual({ latencyMs: 5, throttleRps: 100 });
    const bad = await fetch(`${sb.endpoint}/_sandbox/faults`, { method: 'PUT', body: 'nope' });
    expect(bad.status).toBe(400);
  });

  it('counts what the faults did per API since they were set, over HTTP; setting them starts the count again', async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    sb.faults.set({ throttleRps: 1 });
    const client = new EC2Client({ endpoint: sb.endpoint, region: 'us-east-1', credentials: dev, maxAttempts: 1 });
    await Promise.allSettled(Array.from({ length: 3 }, () => client.send(new DescribeInstancesCommand({}))));
    const stats = async () => (await fetch(`${sb.endpoint}/_sandbox/faults/stats`)).json() as Promise<unknown>;
    expect(await stats()).toEqual({ 'ec2:DescribeInstances': { requests: 3, throttled: 2, errors: 0 } });
    sb.faults.set({});
    expect(await stats()).toEqual({});
  });
});
