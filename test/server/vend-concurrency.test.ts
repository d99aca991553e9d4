import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Crossbar } from '../../src/core/crossbar.js';
import { verifyTrail } from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { assumeRoleEvents, DEVELOPMENT } from '../helpers/sandbox-clients.js';
import {
  addMember,
  makeWorkspace,
  PASSWORDS,
  setupOwner,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { serveWorld, startVendWorld, type VendedBody } from '../helpers/vend-world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * 50 members asking the server at once for the same account, over a real socket: one AssumeRole per member and
 * role (cached per member, never shared), no failure, an intact trail (no torn or forked rows), and no secret in
 * the trail or the server's log. On SQLite and a real PostgreSQL.
 */
const MEMBERS = 50;
const ASKS_PER_MEMBER = 3;

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
  ['postgres', () => pg.createDatabase(`vendc_${Math.random().toString(36).slice(2, 8)}`)],
];

/** Runs `work` over `items`, at most `limit` at a time (argon2id takes 19 MiB per hash). */
async function bounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await work(items[index] as T);
      }
    }),
  );
  return out;
}

describe.each(databases)('50 members at once on %s', (kind, dbUrl) => {
  let world: TeamWorld;
  let served: Awaited<ReturnType<typeof serveWorld>>;
  const logs: string[] = [];
  const names = Array.from({ length: MEMBERS }, (_, i) => `member${String(i).padStart(2, '0')}`);
  let members: ApiClient[];
  beforeAll(async () => {
    world = await startVendWorld(sandbox, crossbar, await dbUrl(), { log: (line) => logs.push(line) });
    served = await serveWorld(world);
    const alice = await setupOwner(world);
    await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'] });
    members = await bounded(names, 8, async (username) => {
      const password = PASSWORDS[username] ?? `${username}-correct-horse-x`;
      const made = await alice.post('/api/users', { username, password });
      if (made.status !== 201) throw new Error(`user ${username}: ${made.status}`);
      await addMember(alice, 'platform', username, 'operator');
      const client = served.client();
      const signedIn = await client.post('/api/session', { username, password });
      if (signedIn.status !== 200) throw new Error(`sign-in ${username}: ${signedIn.status}`);
      return client;
    });
  }, 120_000);
  afterAll(async () => {
    await served?.close();
    await world?.close();
  });

  it('makes exactly one AssumeRole per member, each their own, with no failure and an intact trail', async () => {
    const before = assumeRoleEvents(sandbox.sb, DEVELOPMENT).length;
    const asks = members.flatMap((client, i) => Array.from({ length: ASKS_PER_MEMBER }, () => ({ i, client })));
    const answers = await Promise.all(
      asks.map(async ({ i, client }) => ({
        i,
        answer: await client.post<VendedBody>('/api/workspaces/platform/credentials', {
          account: 'development',
          purpose: 'credentials',
        }),
      })),
    );
    expect(answers.filter((a) => a.answer.status !== 200).map((a) => a.answer.body)).toEqual([]);

    const events = assumeRoleEvents(sandbox.sb, DEVELOPMENT).slice(before);
    expect(events).toHaveLength(MEMBERS);
    const named = events.map((e) => (e['requestParameters'] as { sourceIdentity?: string }).sourceIdentity).sort();
    expect(named).toEqual(names);

    // Each member got one session, the same on every ask; no two members share one.
    const keyOf = new Map<number, Set<string>>();
    for (const { i, answer } of answers) {
      const keys = keyOf.get(i) ?? new Set();
      keys.add(answer.body.credentials.AccessKeyId);
      keyOf.set(i, keys);
    }
    expect([...keyOf.values()].every((keys) => keys.size === 1)).toBe(true);
    expect(new Set([...keyOf.values()].flatMap((keys) => [...keys])).size).toBe(MEMBERS);

    // The trail: every ask recorded once, in one unbroken chain per workspace.
    const rows = await world.store.db
      .selectFrom('trail')
      .selectAll()
      .where('action', '=', 'credentials.vend')
      .orderBy('seq')
      .execute();
    expect(rows).toHaveLength(MEMBERS * ASKS_PER_MEMBER);
    expect(rows.filter((r) => r.outcome === 'ok')).toHaveLength(MEMBERS * ASKS_PER_MEMBER);
    const fresh = rows.filter((r) => (JSON.parse(r.details_json) as { cached: boolean }).cached === false);
    expect(fresh.map((r) => r.actor).sort()).toEqual(names);
    const verified = await verifyTrail(world.store);
    expect(verified.ok).toBe(true);
    expect(verified.first_broken).toBeUndefined();
    const seqs = (await world.store.db.selectFrom('trail').select(['chain', 'seq']).execute()).map(
      (r) => `${r.chain}/${r.seq}`,
    );
    expect(new Set(seqs).size).toBe(seqs.length);

    // who, workspace, account, role, purpose, expiry and source address; never a key.
    const entry = rows.find((r) => r.actor === 'member07');
    expect(entry).toMatchObject({
      workspace: 'platform',
      target: 'development:CrossbarReadOnly',
      address: '127.0.0.1',
    });
    expect(JSON.parse(entry?.details_json ?? '{}')).toMatchObject({
      account: 'development',
      account_id: DEVELOPMENT,
      role: 'CrossbarReadOnly',
      purpose: 'credentials',
      expires_at: answers.find((a) => a.i === 7)?.answer.body.expires_at,
    });
    const everything = JSON.stringify(await world.store.db.selectFrom('trail').selectAll().execute()) + logs.join('\n');
    for (const { answer } of answers) {
      const c = answer.body.credentials;
      expect(everything).not.toContain(c.SecretAccessKey);
      expect(everything).not.toContain(c.SessionToken);
      expect(everything).not.toContain(c.AccessKeyId);
    }
    expect(logs).toEqual([]);
    expect(kind).toMatch(/sqlite|postgres/);
  }, 120_000);

  it('answers a member warm from their cache (the next round makes no AssumeRole)', async () => {
    const before = assumeRoleEvents(sandbox.sb, DEVELOPMENT).length;
    const answers = await Promise.all(
      members.map((client) => client.post('/api/workspaces/platform/credentials', { account: 'development' })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(assumeRoleEvents(sandbox.sb, DEVELOPMENT).length).toBe(before);
  });
});
