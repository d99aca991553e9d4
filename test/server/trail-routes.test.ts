import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendTrail,
  createWorkspace,
  findUserByName,
  putMember,
  verifyTrailExport,
  WorkspaceInputSchema,
  type TrailRecord,
  type TrailVerification,
} from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import {
  PASSWORDS,
  setupOwner,
  signIn,
  startTeamWorld,
  tokenClient,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
}, 60_000);
afterAll(async () => pg?.stop());

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`trailr_${Math.random().toString(36).slice(2, 8)}`)],
];

interface Listed {
  entries: TrailRecord[];
  next?: string;
}

/** A workspace made in the database (the workspace routes need a registry; the trail does not), with members. */
async function workspace(
  world: TeamWorld,
  name: string,
  members: Record<string, 'owner' | 'admin' | 'operator' | 'viewer'>,
) {
  const { store } = world;
  const alice = await findUserByName(store, 'alice');
  const made = await createWorkspace(
    store,
    WorkspaceInputSchema.parse({ name, accounts: ['all'] }),
    { createdBy: alice?.id ?? '', owners: [alice?.id ?? ''] },
    world.clock.now,
  );
  for (const [username, role] of Object.entries(members)) {
    const user = await findUserByName(store, username);
    await putMember(store, made.id, { userId: user?.id ?? '', role, limits: [] }, alice?.id ?? '', world.clock.now);
    await appendTrail(
      store,
      made.id,
      { actor: 'alice', action: 'member.added', workspace: name, target: username, outcome: 'ok', details: { role } },
      () => world.clock.now,
    );
    world.clock.advance(60_000);
  }
  return made;
}

describe.each(databases)('the trail routes on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  let alice: ApiClient;
  let bob: ApiClient;
  let carol: ApiClient;
  let dave: ApiClient;
  let platformId: string;
  beforeAll(async () => {
    world = await startTeamWorld({ dbUrl: await dbUrl() });
    alice = await setupOwner(world);
    bob = await signIn(world, 'bob', alice);
    carol = await signIn(world, 'carol', alice);
    dave = await signIn(world, 'dave', alice);
    platformId = (await workspace(world, 'platform', { bob: 'admin', carol: 'viewer' })).id;
    await workspace(world, 'production', { carol: 'operator' });
  });
  afterAll(async () => world?.close());

  it('lists the chains each caller may read: server owners the server chain, admins their workspace', async () => {
    const all = await alice.get<Listed>('/api/trail?limit=1000');
    expect(all.status).toBe(200);
    const chains = new Set(all.body.entries.map((e) => e.workspace ?? e.chain));
    expect(chains).toEqual(new Set(['server', 'platform', 'production']));
    // newest first
    const times = all.body.entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);

    const bobs = await bob.get<Listed>('/api/trail');
    expect(bobs.status).toBe(200);
    expect(new Set(bobs.body.entries.map((e) => e.workspace))).toEqual(new Set(['platform']));
    expect((await bob.get<Listed>('/api/trail?workspace=platform')).body.entries).toHaveLength(2);
    // a viewer and an operator read no chain at all (an empty list), and a named one is refused
    expect((await carol.get<Listed>('/api/trail')).body.entries).toEqual([]);
    expect((await carol.get('/api/trail?workspace=platform')).status).toBe(403);
    expect((await carol.get('/api/trail?workspace=production')).body).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('answers a non-member as if the workspace did not exist, and keeps the server chain for its owners', async () => {
    const foreign = await dave.get('/api/trail?workspace=platform');
    const missing = await dave.get('/api/trail?workspace=nope');
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(JSON.stringify(foreign.body).replace('platform', 'X')).toBe(
      JSON.stringify(missing.body).replace('nope', 'X'),
    );
    expect((await bob.get('/api/trail?workspace=production')).status).toBe(404);
    for (const path of [
      '/api/trail?chain=server',
      '/api/trail/verify?chain=server',
      '/api/trail/export?chain=server',
      '/api/trail/head?chain=server',
    ])
      expect((await bob.get(path)).status, path).toBe(403);
    for (const path of ['/api/trail', '/api/trail/verify', '/api/trail/export', '/api/trail/head'])
      expect((await world.anonymous().get(path)).status, path).toBe(401);
    const denied = await alice.get<Listed>('/api/trail?chain=server&action=trail.read');
    expect(denied.body.entries.map((e) => [e.actor, e.outcome])).toContainEqual(['bob', 'denied']);
  });

  it('filters by who, action (exact or prefix*), since, and pages with next', async () => {
    const signIns = await alice.get<Listed>('/api/trail?chain=server&action=auth.sign_in&who=bob');
    expect(signIns.body.entries.length).toBeGreaterThan(0);
    expect(signIns.body.entries.every((e) => e.actor === 'bob' && e.action === 'auth.sign_in')).toBe(true);
    const prefixed = await alice.get<Listed>('/api/trail?action=member.*');
    expect(new Set(prefixed.body.entries.map((e) => e.action))).toEqual(new Set(['member.added']));
    const aboutBob = (await alice.get<Listed>('/api/trail?target=bob')).body.entries;
    expect(aboutBob.length).toBeGreaterThan(0);
    expect(aboutBob.every((e) => e.target === 'bob')).toBe(true);
    const aboutB = (await alice.get<Listed>('/api/trail?target=b*&action=member.added')).body.entries;
    expect(aboutB.length).toBeGreaterThanOrEqual(aboutBob.filter((e) => e.action === 'member.added').length);
    expect(aboutB.every((e) => e.target?.startsWith('b'))).toBe(true);
    expect((await alice.get<Listed>('/api/trail?target=b')).body.entries).toEqual([]);
    world.clock.advance(90 * 60_000); // within the sessions' idle limit (2 h)
    await appendTrail(
      world.store,
      platformId,
      { actor: 'bob', action: 'shortcut.added', workspace: 'platform', outcome: 'ok' },
      () => world.clock.now,
    );
    const recent = await bob.get<Listed>('/api/trail?since=1h');
    expect(recent.body.entries.map((e) => e.action)).toEqual(['shortcut.added']);
    const everything = (await alice.get<Listed>('/api/trail?limit=1000')).body.entries;
    const pages: TrailRecord[] = [];
    let next: string | undefined;
    do {
      const page: { body: Listed } = await alice.get<Listed>(`/api/trail?limit=3${next ? `&before=${next}` : ''}`);
      pages.push(...page.body.entries);
      next = page.body.next;
    } while (next);
    expect(pages.map((e) => `${e.chain}/${e.seq}`)).toEqual(everything.map((e) => `${e.chain}/${e.seq}`));
  });

  it('refuses bad parameters with a 400 naming them', async () => {
    for (const [query, word] of [
      ['limit=abc', 'limit'],
      ['limit=5000', 'limit'],
      ['since=March', 'since'],
      ['before=garbage', 'before'],
      ['colour=red', 'colour'],
      ['chain=ws1', 'chain'],
    ]) {
      const answer = await alice.get(`/api/trail?${query}`);
      expect(answer.status, query).toBe(400);
      expect(JSON.stringify(answer.body), query).toContain(word);
    }
    expect((await alice.get('/api/trail/export?format=xml')).status).toBe(400);
    expect((await alice.get("/api/trail?who=' OR 1=1 --")).body).toEqual({ entries: [] });
  });

  it('verifies, and names the entry an admin edited in the database', async () => {
    const clean = await bob.get<TrailVerification>('/api/trail/verify');
    // bob's and carol's member.added, carol's refused trail.read, the shortcut
    expect(clean.body).toMatchObject({ ok: true, checked: 4 });
    expect(clean.body.chains.map((c) => c.workspace)).toEqual(['platform']);
    expect((await alice.get<TrailVerification>('/api/trail/verify')).body.ok).toBe(true);
    await sql`update trail set details_json = '{"role":"owner"}' where chain = ${platformId} and seq = 2`.execute(
      world.store.db,
    );
    const broken = await bob.get<TrailVerification>('/api/trail/verify?workspace=platform');
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({
      ok: false,
      first_broken: { chain: platformId, seq: 2, reason: 'content changed' },
    });
    await sql`update trail set details_json = '{"role":"viewer"}' where chain = ${platformId} and seq = 2`.execute(
      world.store.db,
    );
    expect((await bob.get<TrailVerification>('/api/trail/verify')).body.ok).toBe(true);
  });

  it('exports jsonl that verifies offline against its own heads, and csv with proper quoting', async () => {
    await appendTrail(
      world.store,
      platformId,
      {
        actor: 'bob',
        action: 'shortcut.added',
        workspace: 'platform',
        target: 'a "quoted", name\nwith a line',
        outcome: 'ok',
      },
      () => world.clock.now,
    );
    const jsonl = await alice.request('GET', '/api/trail/export?format=jsonl');
    expect(jsonl.status).toBe(200);
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    const text = jsonl.body as unknown as string;
    const lines = text.trimEnd().split('\n');
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ type: 'export', since: null });
    const heads = lines.map((l) => JSON.parse(l) as { type: string }).filter((l) => l.type === 'head');
    expect(heads).toHaveLength(3);
    expect(lines.slice(-3).every((l) => l.includes('"type":"head"'))).toBe(true);
    const offline = await verifyTrailExport(lines);
    expect(offline).toMatchObject({ ok: true });
    expect(offline.checked).toBe(lines.length - 4);
    // an edited line is caught offline too
    const edited = lines.map((l) =>
      l.includes('"seq":2,') && l.includes(platformId) ? l.replace('"viewer"', '"owner"') : l,
    );
    expect((await verifyTrailExport(edited)).first_broken).toMatchObject({
      chain: platformId,
      seq: 2,
      reason: 'content changed',
    });

    const csv = await bob.request('GET', '/api/trail/export?format=csv&workspace=platform');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const csvText = csv.body as unknown as string;
    expect(csvText.split('\n')[0]).toBe(
      'type,chain,seq,at,actor,action,workspace,target,outcome,address,details,prev_hash,hash',
    );
    expect(csvText).toContain('"a ""quoted"", name\nwith a line"');
    expect(csvText).toContain(`"{""role"":""admin""}"`);
    expect(csvText.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^head,${platformId},5,,`));
    // the export is in the trail
    const exported = await alice.get<Listed>('/api/trail?chain=server&action=trail.exported');
    expect(exported.body.entries.map((e) => [e.actor, e.details['format']])).toEqual([
      ['bob', 'csv'],
      ['alice', 'jsonl'],
    ]);
  });

  it('exports a window from --since that verifies from where it starts', async () => {
    const answer = await bob.request('GET', '/api/trail/export?workspace=platform&since=1h');
    const lines = (answer.body as unknown as string).trimEnd().split('\n');
    const result = await verifyTrailExport(lines);
    expect(result).toMatchObject({ ok: true, checked: 2, chains: [{ from_seq: 4, workspace: 'platform' }] });
  });

  it('gives the heads to keep, as the head document', async () => {
    const head = await bob.get<{ crossbar_trail_head: number; heads: { chain: string; seq: number; hash: string }[] }>(
      '/api/trail/head',
    );
    expect(head.body.crossbar_trail_head).toBe(1);
    expect(head.body.heads).toEqual([{ chain: platformId, seq: 5, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it('holds no secret after sign-ins, wrong passwords, tokens and a device login', async () => {
    await tokenClient(world, carol, 'laptop');
    await world.anonymous().post('/api/session', { username: 'carol', password: 'carol-wrong-password-1' });
    await world.anonymous().post('/api/session', { username: 'carol', password: PASSWORDS['carol'] });
    const device = await world.anonymous().post<{ device_code: string; user_code: string }>('/api/device', {});
    await carol.post('/api/device/approve', { user_code: device.body.user_code });
    const collected = await world
      .anonymous()
      .post<{ token: string }>('/api/device/token', { device_code: device.body.device_code });
    const made = await alice.post<{ token: string }>('/api/tokens', { name: 'ci' });
    const trail = JSON.stringify(await world.store.db.selectFrom('trail').selectAll().execute());
    for (const secret of [
      ...Object.values(PASSWORDS),
      'carol-wrong-password-1',
      world.setupToken,
      collected.body.token,
      made.body.token,
      device.body.device_code,
      alice.csrf ?? 'x',
    ])
      expect(trail).not.toContain(secret);
    expect(trail).not.toMatch(/xb[tsd]_[A-Za-z0-9_-]{20}/);
    expect(trail).not.toMatch(/xbsetup_[A-Za-z0-9_-]{10}/);
    // nothing shaped like an AWS secret access key (40 characters of base64; the hashes are 64 hex)
    expect(trail).not.toMatch(/(?<![A-Za-z0-9/+=])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/);
    expect(trail).toContain('token.created');
    expect(trail).toContain('auth.sign_in');
  });
});
