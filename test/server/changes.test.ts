import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, workspaceChangesOf } from '../../src/server/index.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  startTeamWorld,
  tokenClient,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { sseEvents, type SseEvent } from '../helpers/sse.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `GET /api/workspaces/:ws/changes` (issue 11 item 9): an open page hears of member, shortcut and workspace changes
 * at once, never of refused ones nor of another workspace's; a removed member's stream ends; outsiders get the 404
 * of a missing workspace, and nobody signed in a 401.
 */
let sandbox: World;
let world: TeamWorld;
let alice: ApiClient;
let bob: ApiClient;
let carol: ApiClient;
let dave: ApiClient;
let platformId: string;

beforeAll(async () => {
  sandbox = await startWorld();
  world = await startTeamWorld({ crossbar: sandbox.crossbar() });
  alice = await setupOwner(world);
  bob = await signIn(world, 'bob', alice);
  carol = await signIn(world, 'carol', alice);
  dave = await signIn(world, 'dave', alice);
  await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'] });
  await makeWorkspace(alice, { name: 'production', accounts: ['production'] });
  await addMember(alice, 'platform', 'bob', 'viewer');
  await addMember(alice, 'platform', 'carol', 'operator');
  platformId = (
    await world.store.db.selectFrom('workspaces').select('id').where('name', '=', 'platform').executeTakeFirstOrThrow()
  ).id;
}, 60_000);
afterAll(async () => {
  await world?.close();
  await sandbox?.stop();
});

/** Opens the change stream as `client`: its status, and its events one at a time. */
async function follow(client: ApiClient, ws = 'platform') {
  const headers: Record<string, string> = {};
  if (client.cookie) headers['cookie'] = client.cookie;
  if (client.token) headers['authorization'] = `Bearer ${client.token}`;
  const abort = new AbortController();
  const response = await world.app.request(`http://127.0.0.1/api/workspaces/${ws}/changes`, {
    headers,
    signal: abort.signal,
  });
  const events = response.ok ? sseEvents(response) : undefined;
  return {
    response,
    async next(): Promise<SseEvent | undefined> {
      if (!events) return undefined;
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5000).unref());
      const got = await Promise.race([events.next(), timeout]);
      if (got === 'timeout') throw new Error('no event within 5 s');
      return got.done ? undefined : got.value;
    },
    async close() {
      abort.abort();
      await events?.return(undefined);
    },
  };
}

describe('workspace change events', () => {
  it('tells a member of each change to members and shortcuts, at once, and not of refused ones', async () => {
    const stream = await follow(carol);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/text\/event-stream/);
    expect(await stream.next()).toMatchObject({ event: 'ready', data: { workspace: 'platform', role: 'operator' } });

    // The denied twin: bob (viewer) may not change carol; nothing is announced. Then alice's change is the next event.
    const refused = await bob.put('/api/workspaces/platform/members/carol', { role: 'viewer' });
    expect(refused.status).toBe(403);
    const changed = await alice.put('/api/workspaces/platform/members/carol', {
      role: 'operator',
      limits: [{ accounts: 'stage=dev', roles: ['*'] }],
    });
    expect(changed.status).toBe(200);
    expect(await stream.next()).toMatchObject({ event: 'change', data: { action: 'member.changed', target: 'carol' } });

    const added = await alice.post('/api/workspaces/platform/shortcuts', {
      name: '/switch-to-dev',
      account: 'development',
      role: 'CrossbarReadOnly',
    });
    expect(added.status).toBe(201);
    expect(await stream.next()).toMatchObject({
      event: 'change',
      data: { action: 'shortcut.added', target: '/switch-to-dev' },
    });
    const patched = await alice.request('PATCH', '/api/workspaces/platform', { description: 'the platform team' });
    expect(patched.status).toBe(200);
    expect(await stream.next()).toMatchObject({ event: 'change', data: { action: 'workspace.updated' } });
    await stream.close();
  });

  it('does not tell one workspace of another’s changes', async () => {
    const stream = await follow(alice, 'production');
    expect((await stream.next())?.event).toBe('ready');
    await addMember(alice, 'platform', 'dave', 'viewer');
    await addMember(alice, 'production', 'bob', 'viewer');
    expect(await stream.next()).toMatchObject({ event: 'change', data: { action: 'member.added', target: 'bob' } });
    await stream.close();
    const removed = await alice.delete('/api/workspaces/production/members/bob');
    expect(removed.status).toBe(200);
  });

  it('ends a removed member’s stream with the reason, and their reconnect is the 404 of a missing workspace', async () => {
    const stream = await follow(dave);
    expect((await stream.next())?.event).toBe('ready');
    expect(workspaceChangesOf(world.deps).listenerCount(platformId)).toBeGreaterThan(0);
    expect((await alice.delete('/api/workspaces/platform/members/dave')).status).toBe(200);
    expect(await stream.next()).toMatchObject({ event: 'change', data: { action: 'member.removed', target: 'dave' } });
    expect(await stream.next()).toMatchObject({
      event: 'closed',
      data: { reason: 'dave is no longer a member of platform' },
    });
    expect(await stream.next()).toBeUndefined();
    const again = await follow(dave);
    const missing = await follow(dave, 'no-such-workspace');
    expect(again.response.status).toBe(404);
    const body = (await again.response.json()) as { error: { message: string } };
    const missingBody = (await missing.response.json()) as { error: { message: string } };
    expect(body).toEqual({
      error: { ...missingBody.error, message: missingBody.error.message.replace('no-such-workspace', 'platform') },
    });
  });

  it('refuses outsiders (404, as a missing workspace) and nobody signed in (401); an API token may follow', async () => {
    const outsider = await follow(dave, 'production');
    expect(outsider.response.status).toBe(404);
    expect(await outsider.response.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const anonymous = await follow(world.anonymous());
    expect(anonymous.response.status).toBe(401);
    const token = await follow(await tokenClient(world, bob));
    expect(token.response.status).toBe(200);
    expect((await token.next())?.event).toBe('ready');
    await token.close();
  });

  it('ends the stream once the sign-in it came with has ended', async () => {
    const carol2 = await signIn(world, 'carol');
    const stream = await follow(carol2);
    expect((await stream.next())?.event).toBe('ready');
    expect((await carol2.delete('/api/session')).status).toBe(200);
    await addMember(alice, 'platform', 'carol', 'viewer');
    expect(await stream.next()).toMatchObject({ event: 'change', data: { action: 'member.changed' } });
    expect(await stream.next()).toMatchObject({ event: 'closed', data: { reason: 'the sign-in has ended' } });
  });

  it('ends every stream when the server stops, so that its close does not wait out the grace period', async () => {
    const server = await listen(world.app, { port: 0 });
    const response = await fetch(`${server.url}/api/workspaces/platform/changes`, {
      headers: { cookie: alice.cookie ?? '' },
    });
    expect(response.status).toBe(200);
    const events = sseEvents(response);
    expect((await events.next()).value).toMatchObject({ event: 'ready' });
    const started = Date.now();
    workspaceChangesOf(world.deps).endAll();
    expect((await events.next()).done).toBe(true);
    await server.close(8000);
    expect(Date.now() - started).toBeLessThan(4000);
    // A stream opened after the end ends at once (the denied twin of a live one).
    const late = await follow(alice);
    expect((await late.next())?.event).toBe('ready');
    expect(await late.next()).toBeUndefined();
  });
});
