import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendRunResult,
  endRun,
  findRun,
  insertRun,
  openTeamDb,
  RunRequestSchema,
  type TeamStore,
} from '../../src/core/team/index.js';
import { listen, type AppEnv, type ServerDeps } from '../../src/server/index.js';
import { RunHub } from '../../src/server/runs/run-hub.js';
import { streamRunEvents } from '../../src/server/runs/stream-run-events.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { allEvents, sseEvents, type SseEvent } from '../helpers/sse.js';

/**
 * The event stream of a run (issue 10 item 5) on SQLite and PostgreSQL, on its own: a live client, a late one
 * (replay, then live), a finished run (replay and close), a reconnect with Last-Event-ID, a run this process does
 * not run (polled), and results written while a client connects (each exactly once).
 */
let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => pg?.stop());

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`events_${Math.random().toString(36).slice(2, 8)}`)],
];

const request = RunRequestSchema.parse({
  kind: 'run',
  selector: 'all',
  regions: ['us-east-1'],
  service: 'ec2',
  operation: 'DescribeInstances',
});
const AT = '2026-12-05T12:00:00.000Z';

describe.each(databases)('run events on %s', (_kind, dbUrl) => {
  let store: TeamStore;
  let home: string;
  let hub: RunHub;
  let app: Hono<AppEnv>;
  let runs = 0;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'crossbar-events-'));
    store = await openTeamDb({ url: await dbUrl(), home });
    await store.db
      .insertInto('workspaces')
      .values({
        id: 'ws',
        name: 'ws',
        description: '',
        connection_json: '{"kind":"source"}',
        accounts_json: '["all"]',
        roles_json: '[]',
        created_at: AT,
        created_by: 'alice',
      })
      .execute();
    hub = new RunHub({ runner: 'here' });
    const deps: ServerDeps = { store, now: () => Date.parse(AT), home, publicUrl: 'http://x' };
    app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('deps', deps);
      c.set('address', 'local');
      c.set('principal', undefined);
      await next();
    });
    app.get('/events/:id', async (c) => {
      const run = await findRun(store, 'ws', c.req.param('id'));
      if (!run) return c.json({}, 404);
      return streamRunEvents(c, run, hub, Number(c.req.header('last-event-id') ?? '0'));
    });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(home, { recursive: true, force: true });
  });

  /** A new running run with `targets` targets, run (for the hub) by a promise the test resolves. */
  async function newRun(targets: number, live = true) {
    const id = `run${(runs += 1)}`;
    await insertRun(store, {
      id,
      workspaceId: 'ws',
      userId: 'u',
      request,
      startedAt: AT,
      runner: 'here',
      targetCount: targets,
    });
    let finish = (): void => undefined;
    if (live) hub.start(id, () => new Promise<void>((resolve) => (finish = resolve)));
    let seq = 0;
    return {
      id,
      async result(ok: boolean, notify = true) {
        seq += 1;
        await appendRunResult(
          store,
          id,
          seq,
          {
            accountId: String(100000000000 + seq),
            accountName: `acct${seq}`,
            region: 'us-east-1',
            ok,
            code: ok ? null : 'DENIED',
            awsCode: ok ? null : 'UnauthorizedOperation',
            message: ok ? null : 'You are not authorized to perform this operation.',
            valueJson: ok ? '{}' : null,
          },
          AT,
        );
        if (notify) hub.notify(id);
      },
      async end(notify = true) {
        await endRun(store, id, { status: 'finished', finishedAt: AT, summary: 'done' });
        finish();
        if (notify) hub.notify(id);
      },
    };
  }

  const open = (id: string, lastEventId?: string) =>
    app.request(`/events/${id}`, lastEventId ? { headers: { 'last-event-id': lastEventId } } : {});

  /** Reads events until one of `kind` has come (inclusive). */
  async function until(events: AsyncGenerator<SseEvent>, kind: string, seen: SseEvent[] = []): Promise<SseEvent[]> {
    for (;;) {
      const next = await events.next();
      if (next.done) return seen;
      seen.push(next.value);
      if (next.value.event === kind) return seen;
    }
  }

  it('streams each target as it is stored, a progress count, and a summary at the end', async () => {
    const run = await newRun(2);
    const response = await open(run.id);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = sseEvents(response);
    expect((await until(events, 'progress')).map((e) => e.data)).toEqual([{ done: 0, ok: 0, failed: 0, total: 2 }]);
    await run.result(true);
    const first = await until(events, 'progress');
    expect(first.map((e) => e.event)).toEqual(['target', 'progress']);
    expect(first[0]).toMatchObject({ id: '1', data: { seq: 1, account: 'acct1', region: 'us-east-1', ok: true } });
    await run.result(false);
    const second = await until(events, 'progress');
    expect(second[0]?.data).toMatchObject({
      seq: 2,
      ok: false,
      code: 'DENIED',
      aws_code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
    });
    expect(second[1]?.data).toEqual({ done: 2, ok: 1, failed: 1, total: 2 });
    await run.end();
    const last = await until(events, 'summary');
    expect(last.at(-1)?.data).toMatchObject({ id: run.id, status: 'finished', ok: 1, failed: 1, total: 2 });
    expect((await events.next()).done).toBe(true);
  });

  it('a late client gets the finished targets first, then the live ones', async () => {
    const run = await newRun(3);
    await run.result(true);
    await run.result(true);
    const events = sseEvents(await open(run.id));
    const replayed = await until(events, 'progress');
    expect(replayed.map((e) => e.event)).toEqual(['target', 'target', 'progress']);
    expect(replayed.filter((e) => e.event === 'target').map((e) => e.id)).toEqual(['1', '2']);
    expect(replayed.at(-1)?.data).toMatchObject({ done: 2, ok: 2 });
    await run.result(false);
    await run.end();
    const rest = await until(events, 'summary');
    expect(rest.filter((e) => e.event === 'target').map((e) => e.id)).toEqual(['3']);
    expect(rest.at(-1)?.data).toMatchObject({ status: 'finished', ok: 2, failed: 1 });
  });

  it('a finished run replays every target and closes; Last-Event-ID resumes after what the client had', async () => {
    const run = await newRun(3);
    for (const ok of [true, false, true]) await run.result(ok);
    await run.end();
    const all = await allEvents(await open(run.id));
    expect(all.map((e) => `${e.event}${e.id ?? ''}`)).toEqual(['target1', 'target2', 'target3', 'progress', 'summary']);
    const resumed = await allEvents(await open(run.id, '2'));
    expect(resumed.map((e) => `${e.event}${e.id ?? ''}`)).toEqual(['target3', 'progress', 'summary']);
    // the count includes what the client had before it reconnected
    expect(resumed[1]?.data).toEqual({ done: 3, ok: 2, failed: 1, total: 3 });
  });

  it('follows a run another server process runs (no announcements) by polling the database', async () => {
    const run = await newRun(1, false);
    const events = sseEvents(await open(run.id));
    await until(events, 'progress');
    await run.result(true, false);
    await run.end(false);
    const rest = await until(events, 'summary');
    expect(rest.map((e) => e.event)).toEqual(['target', 'progress', 'summary']);
  });

  it('streams over a real socket as targets finish, not when the run ends', async () => {
    const server = await listen(app, { port: 0 });
    try {
      const run = await newRun(2);
      const response = await fetch(`${server.url}/events/${run.id}`);
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const events = sseEvents(response);
      await until(events, 'progress');
      await run.result(true);
      // the first target arrives while the run is still running
      expect((await until(events, 'progress')).map((e) => e.event)).toEqual(['target', 'progress']);
      await run.result(true);
      await run.end();
      expect((await until(events, 'summary')).at(-1)?.data).toMatchObject({ status: 'finished', ok: 2 });
    } finally {
      await server.close(1000);
    }
  });

  it('never skips or repeats a target written while the client connects', async () => {
    const run = await newRun(60);
    const writing = (async () => {
      for (let i = 0; i < 60; i++) await run.result(i % 7 !== 0);
      await run.end();
    })();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const all = await allEvents(await open(run.id));
    await writing;
    const seqs = all.filter((e) => e.event === 'target').map((e) => Number(e.id));
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(all.at(-1)).toMatchObject({ event: 'summary', data: { ok: 51, failed: 9 } });
  });
});
