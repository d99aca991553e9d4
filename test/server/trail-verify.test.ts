import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendTrail,
  openTeamDb,
  verifyTrail,
  type TeamStore,
  type TrailVerification,
} from '../../src/core/team/index.js';
import { CROSSBAR, REPO, runProcess } from '../helpers/crossbar-bin.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

let pg: TestPostgres;
let home: string;
beforeAll(async () => {
  pg = await startTestPostgres();
  home = mkdtempSync(join(tmpdir(), 'crossbar-trail-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** A fresh database of each kind: its URL (a SQLite file, or a new PostgreSQL database). */
const databases: [string, () => Promise<string>][] = [
  ['sqlite', () => Promise.resolve(join(mkdtempSync(join(home, 'sqlite-')), 'team.db'))],
  ['postgres', () => pg.createDatabase(`trail_${Math.random().toString(36).slice(2, 8)}`)],
];

async function seeded(url: string, n = 8): Promise<TeamStore> {
  const store = await openTeamDb({ url, home });
  let clock = Date.parse('2026-12-05T12:00:00Z');
  for (let i = 1; i <= n; i++)
    await appendTrail(
      store,
      'ws1',
      {
        actor: i % 2 ? 'alice' : 'bob',
        action: 'member.added',
        workspace: 'platform',
        target: `user${i}`,
        outcome: 'ok',
        details: { role: 'viewer' },
      },
      () => (clock += 1000),
    );
  await appendTrail(store, 'server', { actor: 'alice', action: 'auth.sign_in', outcome: 'ok' });
  return store;
}

const brokenOf = (result: TrailVerification) => result.first_broken;

describe.each(databases)('trail verify on %s', (_kind, makeUrl) => {
  it('verifies appends from concurrent writers: processes sharing only the database, and one pool', async () => {
    const url = await makeUrl();
    const store = await openTeamDb({ url, home });
    const writer = [...CROSSBAR.slice(0, 3), join(REPO, 'test/helpers/trail-writer.ts')];
    const [results] = await Promise.all([
      Promise.all(
        Array.from({ length: 4 }, (_, w) =>
          runProcess([...writer, url, `writer${w}`, '30'], { ...process.env, CROSSBAR_HOME: home }),
        ),
      ),
      Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          appendTrail(store, ['ws1', 'ws2', 'server'][i % 3] ?? 'server', {
            actor: 'pool',
            action: 'test',
            outcome: 'ok',
          }),
        ),
      ),
    ]);
    expect(results.map((r) => [r.code, r.stderr])).toEqual(Array.from({ length: 4 }, () => [0, '']));
    const result = await verifyTrail(store);
    expect(result).toMatchObject({ ok: true, checked: 150 });
    expect(result.chains.map((c) => [c.chain, c.checked, c.head?.seq])).toEqual([
      ['server', 50, 50],
      ['ws1', 50, 50],
      ['ws2', 50, 50],
    ]);
    await store.close();
  }, 60_000);

  it('catches an edit of details, actor or outcome by plain SQL, naming the entry', async () => {
    const store = await seeded(await makeUrl());
    expect((await verifyTrail(store)).ok).toBe(true);
    const edits = [
      sql`update trail set details_json = '{"role":"owner"}' where chain = 'ws1' and seq = 3`,
      sql`update trail set actor = 'mallory' where chain = 'ws1' and seq = 5`,
      sql`update trail set outcome = 'ok' where chain = 'ws1' and seq = 2`,
    ];
    await edits[0]?.execute(store.db);
    expect(brokenOf(await verifyTrail(store))).toMatchObject({ chain: 'ws1', seq: 3, reason: 'content changed' });
    await edits[1]?.execute(store.db);
    await edits[2]?.execute(store.db);
    // outcome 'ok' is what it was: no change at 2, so 3 is still the first broken
    expect(brokenOf(await verifyTrail(store))).toMatchObject({ seq: 3, reason: 'content changed' });
    await sql`update trail set outcome = 'denied' where chain = 'ws1' and seq = 2`.execute(store.db);
    const result = await verifyTrail(store);
    expect(result.first_broken).toMatchObject({ chain: 'ws1', seq: 2, reason: 'content changed' });
    expect(result.first_broken?.message).toContain('member.added by bob');
    // the server's chain is untouched
    expect(result.chains.find((c) => c.chain === 'server')).toMatchObject({ ok: true, checked: 1 });
    await store.close();
  });

  it('catches a deleted middle row and a deleted last row', async () => {
    const store = await seeded(await makeUrl());
    await sql`delete from trail where chain = 'ws1' and seq = 8`.execute(store.db);
    expect(brokenOf(await verifyTrail(store))).toMatchObject({ chain: 'ws1', seq: 8, reason: 'missing entry' });
    await sql`delete from trail where chain = 'ws1' and seq = 4`.execute(store.db);
    const result = await verifyTrail(store, { chains: ['ws1'] });
    expect(result).toMatchObject({ ok: false, checked: 3, first_broken: { seq: 4, reason: 'missing entry' } });
    await store.close();
  });

  it('catches two swapped rows', async () => {
    const store = await seeded(await makeUrl());
    await sql`update trail set seq = -1 where chain = 'ws1' and seq = 5`.execute(store.db);
    await sql`update trail set seq = 5 where chain = 'ws1' and seq = 6`.execute(store.db);
    await sql`update trail set seq = 6 where chain = 'ws1' and seq = -1`.execute(store.db);
    const broken = brokenOf(await verifyTrail(store));
    expect(broken).toMatchObject({ chain: 'ws1', seq: 5, reason: 'reordered' });
    expect(broken?.message).toContain('written as 6');
    await store.close();
  });

  it('catches an edited head, a deleted head row, and a row written past the head', async () => {
    const store = await seeded(await makeUrl());
    await sql`update trail_heads set hash = ${'e'.repeat(64)} where chain = 'ws1'`.execute(store.db);
    expect(brokenOf(await verifyTrail(store))).toMatchObject({ seq: 8, reason: 'chain head mismatch' });
    await sql`delete from trail_heads where chain = 'ws1'`.execute(store.db);
    expect(brokenOf(await verifyTrail(store))).toMatchObject({ chain: 'ws1', reason: 'chain head mismatch' });

    const other = await seeded(await makeUrl());
    await sql`update trail_heads set seq = 6, hash = (select hash from trail where chain = 'ws1' and seq = 6) where chain = 'ws1'`.execute(
      other.db,
    );
    expect(brokenOf(await verifyTrail(other))).toMatchObject({ seq: 7, reason: 'chain head mismatch' });
    await Promise.all([store.close(), other.close()]);
  });

  it('cannot tell a cut-short chain with its head reset from a genuine one, but an exported head can', async () => {
    const store = await seeded(await makeUrl());
    const exported = new Map([['ws1', { seq: 8, hash: (await verifyTrail(store)).chains[1]?.head?.hash ?? '' }]]);
    await sql`delete from trail where chain = 'ws1' and seq > 5`.execute(store.db);
    await sql`update trail_heads set seq = 5, hash = (select hash from trail where chain = 'ws1' and seq = 5) where chain = 'ws1'`.execute(
      store.db,
    );
    expect((await verifyTrail(store)).ok).toBe(true);
    const against = await verifyTrail(store, { anchors: exported, anchorSource: 'head.json' });
    expect(against.first_broken).toMatchObject({ chain: 'ws1', seq: 6, reason: 'missing entry' });
    expect(against.first_broken?.message).toContain('head.json');
    await store.close();
  });
});
