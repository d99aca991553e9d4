import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendTrail, openTeamDb, TEAM_MIGRATIONS, type TeamStore } from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';

let pg: TestPostgres;
let home: string;

beforeAll(async () => {
  pg = await startTestPostgres();
  home = mkdtempSync(join(tmpdir(), 'crossbar-team-'));
}, 60_000);

afterAll(async () => {
  await pg?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`mig_${Math.random().toString(36).slice(2, 8)}`)],
];

describe.each(databases)('the team database on %s', (kind, makeUrl) => {
  it('runs its migrations at the first open and none at the next', async () => {
    const url = await makeUrl();
    const dbHome = mkdtempSync(join(home, `${kind}-`));
    const first: TeamStore = await openTeamDb({ url, home: dbHome });
    expect(first.kind).toBe(kind);
    // every migration, in order (each area adds its own: 0002_runs, …)
    expect(first.migrated).toEqual(Object.keys(TEAM_MIGRATIONS).sort());
    expect(first.migrated[0]).toBe('0001_team');
    await first.close();
    const second = await openTeamDb({ url, home: dbHome });
    expect(second.migrated).toEqual([]);
    const tables = ['users', 'sessions', 'api_tokens', 'workspaces', 'members', 'shortcuts', 'trail', 'runs'];
    for (const table of tables) {
      // every table exists and is empty: a select from a missing table throws
      const rows = await second.db
        .selectFrom(table as 'users')
        .selectAll()
        .execute();
      expect(rows).toEqual([]);
    }
    if (kind === 'sqlite') expect(statSync(join(dbHome, 'team.db')).mode & 0o777).toBe(0o600);
    await second.close();
  });

  it('chains concurrent trail appends without a fork or a gap', async () => {
    const store = await openTeamDb({ url: await makeUrl(), home: mkdtempSync(join(home, `${kind}-`)) });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendTrail(store, 'ws1', { actor: `user${i % 5}`, action: 'test.append', outcome: 'ok' }),
      ),
    );
    const rows = await store.db.selectFrom('trail').selectAll().where('chain', '=', 'ws1').orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    await store.close();
  });

  it("waits for another request's open transaction and is not rolled back with it", async () => {
    const store = await openTeamDb({ url: await makeUrl(), home: mkdtempSync(join(home, `${kind}-`)) });
    let appended: Promise<unknown> | undefined;
    await expect(
      store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('trail').selectAll().execute();
        appended = appendTrail(store, 'ws1', { actor: 'alice', action: 'test.append', outcome: 'ok' });
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error('roll back this transaction');
      }),
    ).rejects.toThrow('roll back');
    await appended;
    const rows = await store.db.selectFrom('trail').selectAll().where('chain', '=', 'ws1').execute();
    expect(rows.map((r) => [Number(r.seq), r.actor])).toEqual([[1, 'alice']]);
    await store.close();
  });
});

describe('the trail of one SQLite file written by two servers at once', () => {
  it("chains both servers' appends without a fork or a gap", async () => {
    const dbHome = mkdtempSync(join(home, 'two-'));
    const [a, b] = [await openTeamDb({ home: dbHome }), await openTeamDb({ home: dbHome })];
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        appendTrail(i % 2 === 0 ? a : b, 'ws1', { actor: `user${i % 3}`, action: 'test.append', outcome: 'ok' }),
      ),
    );
    const rows = await a.db.selectFrom('trail').selectAll().where('chain', '=', 'ws1').orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('one new SQLite file opened by two servers at once', () => {
  it('one migrates it while the other waits, then finds it current: both open, the migrations ran once', async () => {
    const dbHome = mkdtempSync(join(home, 'race-'));
    const [a, b] = await Promise.all([openTeamDb({ home: dbHome }), openTeamDb({ home: dbHome })]);
    expect([...a.migrated, ...b.migrated].sort()).toEqual(Object.keys(TEAM_MIGRATIONS).sort());
    expect(Math.min(a.migrated.length, b.migrated.length)).toBe(0);
    await Promise.all([a.close(), b.close()]);
  });
});

describe('a database that cannot be opened', () => {
  it('names the PostgreSQL URL without its password and says what to check', async () => {
    const error = await openTeamDb({ url: 'postgres://crossbar:hunter2@127.0.0.1:1/nowhere', home }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect(String((error as Error).message)).toContain('postgres://crossbar:***@127.0.0.1:1/nowhere');
    expect(String((error as Error).message)).not.toContain('hunter2');
  });
});
