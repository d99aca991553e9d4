import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crossbar } from '../../src/core/crossbar.js';
import { Vending } from '../../src/core/team/index.js';
import { createApp, recoverRuns, runHubOf, type ServerDeps } from '../../src/server/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { allEvents, sseEvents, type SseEvent } from '../helpers/sse.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  startTeamWorld,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Runs through the server (issue 10 item 5) against the sandbox with the real SDK, on SQLite and PostgreSQL: the
 * member's own credentials (SourceIdentity in CloudTrail), one event per target and a summary, the results kept
 * and listed, refusals before any AWS call (a viewer, a write, a selector outside the workspace, a member's
 * limits), failures as AWS reported them, late clients, and a server that stopped mid-run.
 */
let pg: TestPostgres;
let sandbox: World;
let crossbar: Crossbar;
beforeAll(async () => {
  [pg, sandbox] = await Promise.all([startTestPostgres(), startWorld()]);
  crossbar = sandbox.crossbar();
}, 60_000);
afterAll(async () => Promise.all([pg?.stop(), sandbox?.stop()]));

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`runs_${Math.random().toString(36).slice(2, 8)}`)],
];

const DESCRIBE = {
  kind: 'run',
  selector: 'all',
  regions: ['us-east-1', 'eu-west-1'],
  service: 'ec2',
  operation: 'DescribeInstances',
};

interface RunBody {
  id: string;
  status: string;
  started_by: string;
  label: string;
  counts: { ok: number; failed: number; done: number; total: number | null };
  summary: string | null;
}
interface ResultBody {
  seq: number;
  account: string;
  region: string;
  ok: boolean;
  code: string | null;
  aws_code: string | null;
  message: string | null;
  value: unknown;
}

/** Every AWS request the sandbox answered since the last reset (its fault injector counts them all). */
function awsCalls(): number {
  return Object.values(sandbox.sb.faults.stats()).reduce((n, s) => n + s.requests, 0);
}

describe.each(databases)('runs through the server on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  let alice: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  let dave: ApiClient;
  const runs = (ws = 'platform') => `/api/workspaces/${ws}/runs`;

  beforeAll(async () => {
    world = await startTeamWorld({
      dbUrl: await dbUrl(),
      crossbar,
      extend: (deps): ServerDeps => ({
        ...deps,
        vending: new Vending({
          crossbar,
          env: sandbox.awsEnv,
          sourceMfaCode: () => Promise.resolve(sandbox.mfaCode()),
        }),
      }),
    });
    alice = await setupOwner(world);
    bob = await signIn(world, 'bob', alice);
    carol = await signIn(world, 'carol', alice);
    dave = await signIn(world, 'dave', alice);
    await makeWorkspace(alice, { name: 'platform', accounts: ['development', 'staging'] });
    await makeWorkspace(alice, { name: 'production', accounts: ['production'] });
    await addMember(alice, 'platform', 'bob', 'viewer');
    await addMember(alice, 'platform', 'carol', 'operator');
    await addMember(alice, 'production', 'carol', 'operator');
    await addMember(alice, 'platform', 'dave', 'operator', [{ accounts: 'development', roles: ['CrossbarReadOnly'] }]);
  }, 60_000);
  afterAll(async () => world?.close());

  /** Starts a run as `who` and waits for its end through the event stream; returns the events and the run. */
  async function runToEnd(who: ApiClient, body: unknown, ws = 'platform') {
    const started = await who.post<{ id: string; events: string }>(runs(ws), body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const events = await allEvents(await world.app.request(started.body.events, { headers: headersOf(who) }));
    const detail = await who.get<{ run: RunBody; results: ResultBody[] }>(`${runs(ws)}/${started.body.id}`);
    return { id: started.body.id, events, run: detail.body.run, results: detail.body.results };
  }

  async function trail(ws: string) {
    const row = await world.store.db
      .selectFrom('workspaces')
      .select('id')
      .where('name', '=', ws)
      .executeTakeFirstOrThrow();
    const rows = await world.store.db
      .selectFrom('trail')
      .select(['actor', 'action', 'outcome', 'target', 'details_json'])
      .where('chain', '=', row.id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ ...r, details: JSON.parse(r.details_json) as Record<string, unknown> }));
  }

  it("an operator's DescribeInstances over the workspace × 2 regions streams one event per target and a summary, kept and listed", async () => {
    sandbox.sb.faults.set({});
    const { id, events, run, results } = await runToEnd(carol, DESCRIBE);
    const targets = events.filter((e) => e.event === 'target');
    expect(targets.map((e) => `${String(e.data['account'])}/${String(e.data['region'])}`).sort()).toEqual([
      'development/eu-west-1',
      'development/us-east-1',
      'staging/eu-west-1',
      'staging/us-east-1',
    ]);
    expect(targets.map((e) => e.id)).toEqual(['1', '2', '3', '4']);
    expect(targets.every((e) => e.data['ok'] === true)).toBe(true);
    expect(events.filter((e) => e.event === 'progress').at(-1)?.data).toEqual({ done: 4, ok: 4, failed: 0, total: 4 });
    expect(events.at(-1)).toMatchObject({
      event: 'summary',
      data: { id, status: 'finished', ok: 4, failed: 0, total: 4, summary: '4 ok, 0 failed' },
    });
    expect(run).toMatchObject({
      id,
      status: 'finished',
      started_by: 'carol',
      label: 'ec2 DescribeInstances',
      counts: { ok: 4, failed: 0, done: 4, total: 4 },
    });
    const dev = results.find((r) => r.account === 'development' && r.region === 'us-east-1');
    const reservations = (dev?.value as { Reservations: { Instances: unknown[] }[] }).Reservations;
    expect(reservations.flatMap((r) => r.Instances)).toHaveLength(3);
    // listed, newest first, and readable by a viewer
    const listed = await bob.get<{ runs: RunBody[] }>(runs());
    expect(listed.status).toBe(200);
    expect(listed.body.runs[0]).toMatchObject({ id, status: 'finished', started_by: 'carol' });
    // the calls were made as carol: CloudTrail names her as the SourceIdentity of the role session
    const assumed = Object.values(sandbox.sb.world.accounts)
      .flatMap((account) => account.trail['us-east-1'] ?? [])
      .filter((e) => e.eventName === 'AssumeRole')
      .map(
        (e) => e.record['requestParameters'] as { roleArn?: string; sourceIdentity?: string; roleSessionName?: string },
      )
      .filter((p) => p.roleArn === 'arn:aws:iam::222222222222:role/CrossbarReadOnly');
    const identities = assumed.map((p) => `${p.sourceIdentity ?? '-'}/${p.roleSessionName ?? '-'}`);
    expect(identities).toContain('carol/carol');
    // the trail: who, what, where and how it ended
    const entries = await trail('platform');
    expect(entries.find((e) => e.action === 'runs.start' && e.target === id)).toMatchObject({
      actor: 'carol',
      outcome: 'ok',
      details: {
        run_id: id,
        label: 'ec2 DescribeInstances',
        selector: 'all',
        regions: ['us-east-1', 'eu-west-1'],
        accounts: 2,
      },
    });
    expect(entries.find((e) => e.action === 'runs.end' && e.target === id)).toMatchObject({
      actor: 'carol',
      outcome: 'ok',
      details: { status: 'finished', ok: 4, failed: 0 },
    });
  });

  it("a region the account has not enabled is a failed target with AWS's message; the rest answer", async () => {
    const { events, run } = await runToEnd(carol, { ...DESCRIBE, regions: ['us-east-1', 'eu-south-1'] });
    const failed = events.filter((e) => e.event === 'target' && e.data['ok'] === false);
    expect(failed.map((e) => e.data['account']).sort()).toEqual(['development', 'staging']);
    expect(failed[0]?.data).toMatchObject({ region: 'eu-south-1', code: 'REGION_DISABLED', aws_code: 'AuthFailure' });
    expect(String(failed[0]?.data['message'])).toMatch(/not enabled/);
    expect(run).toMatchObject({ status: 'finished', counts: { ok: 2, failed: 2 } });
    expect(run.summary).toBe('2 ok, 2 failed (REGION_DISABLED ×2)');
  });

  it("a role the account refuses is a DENIED target with AWS's message; the other accounts answer", async () => {
    // a member with no vended session yet (sessions are cached per member), and staging's role trusting nobody here
    const erin = await signIn(world, 'erin', alice);
    await addMember(alice, 'platform', 'erin', 'operator');
    const role = sandbox.sb.world.accounts['333333333333']?.iam.roles['CrossbarReadOnly'];
    if (!role) throw new Error('no CrossbarReadOnly in staging');
    const original = role.assumeRolePolicyDocument;
    role.assumeRolePolicyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999999999999:root' }, Action: 'sts:AssumeRole' }],
    });
    try {
      const { events, run } = await runToEnd(erin, { ...DESCRIBE, regions: ['us-east-1'] });
      const byAccount = new Map(events.filter((e) => e.event === 'target').map((e) => [e.data['account'], e.data]));
      expect(byAccount.get('development')).toMatchObject({ ok: true });
      expect(byAccount.get('staging')).toMatchObject({ ok: false, code: 'DENIED' });
      expect(String(byAccount.get('staging')?.['message'])).toMatch(/not authorized to perform: sts:AssumeRole/);
      expect(run).toMatchObject({ status: 'finished', counts: { ok: 1, failed: 1 } });
    } finally {
      role.assumeRolePolicyDocument = original;
    }
  });

  it('a viewer may read runs but not start one: 403 with no AWS call, in the trail', async () => {
    await runHubOf(world.deps).idle();
    sandbox.sb.faults.set({});
    const refused = await bob.post(runs(), DESCRIBE);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'FORBIDDEN', message: expect.stringMatching(/operator/) } });
    expect(awsCalls()).toBe(0);
    expect((await trail('platform')).at(-1)).toMatchObject({ actor: 'bob', action: 'runs.start', outcome: 'denied' });
  });

  it('refuses a write operation before any call, naming why', async () => {
    sandbox.sb.faults.set({});
    const refused = await carol.post(runs(), {
      ...DESCRIBE,
      operation: 'TerminateInstances',
      params: { InstanceIds: ['i-0123456789abcdef0'] },
    });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/ec2 TerminateInstances may change things/) },
    });
    expect(awsCalls()).toBe(0);
    const last = (await trail('platform')).at(-1);
    expect(last).toMatchObject({ actor: 'carol', action: 'runs.start', outcome: 'denied' });
    // parameter names, never their values
    expect(last?.details).toMatchObject({ parameters: ['InstanceIds'], code: 'FORBIDDEN' });
    expect(last?.details_json).not.toContain('i-0123456789abcdef0');
    // a typo and a parameter the model does not know are 400s, also before any call
    expect((await carol.post(runs(), { ...DESCRIBE, operation: 'DescribeInstancez' })).status).toBe(400);
    expect((await carol.post(runs(), { ...DESCRIBE, params: { Filter: [] } })).status).toBe(400);
    expect(awsCalls()).toBe(0);
  });

  it('refuses a selector that reaches outside the workspace, and a workspace the caller is not in', async () => {
    sandbox.sb.faults.set({});
    const outside = await carol.post(runs(), { ...DESCRIBE, selector: 'development,production' });
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({
      error: { code: 'FORBIDDEN', message: expect.stringMatching(/'production' reaches an account outside/) },
    });
    const tagged = await carol.post(runs(), { ...DESCRIBE, selector: 'tag:team=payments' });
    expect(tagged.status).toBe(403);
    const foreign = await bob.post(runs('production'), DESCRIBE);
    expect(foreign.status).toBe(404);
    expect((await bob.get(runs('production'))).status).toBe(404);
    expect(awsCalls()).toBe(0);
  });

  it("refuses the whole run when one target is beyond a member's limits, naming the accounts; within them it runs", async () => {
    sandbox.sb.faults.set({});
    const refused = await dave.post(runs(), DESCRIBE);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({
      error: {
        code: 'FORBIDDEN',
        message:
          'dave may not use CrossbarReadOnly in staging in the workspace platform: the run is refused, nothing was sent',
      },
    });
    expect(awsCalls()).toBe(0);
    const { run } = await runToEnd(dave, { ...DESCRIBE, selector: 'development' });
    expect(run).toMatchObject({ status: 'finished', started_by: 'dave', counts: { ok: 2, failed: 0 } });
  });

  it('a guarded role needs confirm: true and a fresh second factor, refused before any call', async () => {
    sandbox.sb.faults.set({});
    const refused = await carol.post(runs('production'), { ...DESCRIBE, role: 'admin' });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'CONFIRM_REQUIRED' } });
    const noFactor = await carol.post(runs('production'), { ...DESCRIBE, role: 'admin', confirm: true });
    expect(noFactor.status).toBe(401);
    expect(noFactor.body).toMatchObject({ error: { code: 'MFA_REQUIRED' } });
    expect(awsCalls()).toBe(0);
  });

  it('a late client gets the finished targets replayed, then the live ones; a finished run replays and closes', async () => {
    sandbox.sb.faults.set({ rules: [{ service: 'ec2', account: '333333333333', latencyMs: 600 }] });
    try {
      const started = await carol.post<{ id: string; events: string }>(runs(), DESCRIBE);
      expect(started.status).toBe(202);
      // wait until development's two targets are in, while staging's are still on their way
      let detail = await carol.get<{ run: RunBody }>(`${runs()}/${started.body.id}`);
      for (let i = 0; i < 100 && detail.body.run.counts.done < 2; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        detail = await carol.get<{ run: RunBody }>(`${runs()}/${started.body.id}`);
      }
      expect(detail.body.run).toMatchObject({ status: 'running', counts: { done: 2 } });
      const stream = sseEvents(await world.app.request(started.body.events, { headers: headersOf(bob) }));
      const seen: SseEvent[] = [];
      for await (const e of stream) seen.push(e);
      expect(seen.filter((e) => e.event === 'target').map((e) => e.id)).toEqual(['1', '2', '3', '4']);
      expect(seen.slice(0, 2).map((e) => e.data['account'])).toEqual(['development', 'development']);
      expect(seen.at(-1)).toMatchObject({ event: 'summary', data: { status: 'finished', ok: 4 } });
      // a finished run: everything again, then the stream ends
      const replay = await allEvents(await world.app.request(started.body.events, { headers: headersOf(carol) }));
      expect(replay.map((e) => e.event)).toEqual(['target', 'target', 'target', 'target', 'progress', 'summary']);
    } finally {
      sandbox.sb.faults.set({});
    }
  });

  it('regions: all runs in the regions each account has enabled; the total is known at the end', async () => {
    const { events, run } = await runToEnd(carol, {
      kind: 'run',
      selector: 'development',
      regions: 'all',
      service: 'sts',
      operation: 'GetCallerIdentity',
    });
    const targets = events.filter((e) => e.event === 'target');
    expect(targets.length).toBeGreaterThan(2);
    // development has not enabled eu-south-1: it is not among its targets
    expect(targets.map((e) => e.data['region'])).not.toContain('eu-south-1');
    expect(events.at(-1)?.data).toMatchObject({ status: 'finished', total: targets.length });
    expect(run).toMatchObject({ status: 'finished', counts: { ok: targets.length, total: targets.length } });
  });

  it("a sync reads the inventory into the server's own inventory", async () => {
    const { run, results } = await runToEnd(carol, {
      kind: 'sync',
      selector: 'development',
      regions: ['us-east-1'],
      types: ['ec2_instances'],
    });
    expect(run).toMatchObject({ status: 'finished', label: 'sync ec2_instances', counts: { ok: 1, failed: 0 } });
    expect(results[0]?.value).toEqual({ slices: 1, resources: 3 });
  });

  it('pages the list newest first, and answers bad input with 400 and unknown runs with 404', async () => {
    const first = await carol.get<{ runs: RunBody[]; next: string | null }>(`${runs()}?limit=2`);
    expect(first.body.runs).toHaveLength(2);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await carol.get<{ runs: RunBody[] }>(`${runs()}?limit=2&before=${first.body.next ?? ''}`);
    const ids = [...first.body.runs, ...second.body.runs].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const all = await carol.get<{ runs: RunBody[] }>(`${runs()}?limit=200`);
    expect(all.body.runs.slice(0, 4).map((r) => r.id)).toEqual(ids);
    expect((await carol.get(`${runs()}?before=garbage`)).status).toBe(400);
    expect((await carol.get(`${runs()}?limit=0`)).status).toBe(400);
    expect((await carol.request('POST', runs(), undefined, '{"kind": ')).status).toBe(400);
    expect((await carol.post(runs(), { kind: 'erase', selector: 'all' })).status).toBe(400);
    expect((await carol.get(`${runs()}/no-such-run`)).status).toBe(404);
    // a run of another workspace is not found through this one
    const { id } = await runToEnd(carol, { ...DESCRIBE, selector: 'production', regions: ['us-east-1'] }, 'production');
    expect((await carol.get(`${runs()}/${id}`)).status).toBe(404);
    expect((await carol.get(`${runs()}/${id}/events`)).status).toBe(404);
  });

  it('a server that stopped mid-run marks the run interrupted at its next start, in the trail', async () => {
    sandbox.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 3000 }] });
    try {
      const started = await carol.post<{ id: string }>(runs(), DESCRIBE);
      expect(started.status).toBe(202);
      // the next start of the same server (same CROSSBAR_HOME, so the same runner) over the same database
      const restarted: ServerDeps = { ...world.deps };
      createApp(restarted);
      expect(await recoverRuns(restarted)).toBe(1);
      const detail = await carol.get<{ run: RunBody }>(`${runs()}/${started.body.id}`);
      expect(detail.body.run).toMatchObject({
        status: 'interrupted',
        summary: 'interrupted: the server stopped while it ran',
      });
      expect((await trail('platform')).at(-1)).toMatchObject({
        actor: 'server',
        action: 'runs.end',
        target: started.body.id,
        outcome: 'failed',
      });
      // the old process's run, stopped now, does not end it a second time
      await runHubOf(world.deps).stopAll();
      expect((await carol.get<{ run: RunBody }>(`${runs()}/${started.body.id}`)).body.run.status).toBe('interrupted');
    } finally {
      sandbox.sb.faults.set({});
    }
  });
});

/** The headers a client sends on a GET, for a raw request (a stream). */
function headersOf(client: ApiClient): Record<string, string> {
  return {
    ...(client.cookie ? { cookie: client.cookie } : {}),
    ...(client.token ? { authorization: `Bearer ${client.token}` } : {}),
  };
}
