import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendTrail,
  createWorkspace,
  findUserByName,
  WorkspaceInputSchema,
  type TrailRecord,
} from '../../src/core/team/index.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { setupOwner, signIn, startTeamWorld, tokenClient, type TeamWorld } from '../helpers/team-server.js';
import { runCli } from './run-cli.js';

let pg: TestPostgres;
let dir: string;
beforeAll(async () => {
  pg = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'crossbar-trail-cli-'));
}, 60_000);
afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const databases: [string, () => Promise<string>][] = [
  ['sqlite', () => Promise.resolve(join(mkdtempSync(join(dir, 'db-')), 'team.db'))],
  ['postgres', () => pg.createDatabase(`trailc_${Math.random().toString(36).slice(2, 8)}`)],
];

describe.each(databases)('crossbar trail --db on %s', (_kind, makeUrl) => {
  let world: TeamWorld;
  let url: string;
  let platform: string;
  const env = () => ({ CROSSBAR_HOME: join(dir, 'home'), NO_COLOR: '1' });
  const cli = (...argv: string[]) => runCli(['trail', ...argv, '--db', url], env());

  beforeAll(async () => {
    url = await makeUrl();
    world = await startTeamWorld({ dbUrl: url });
    const alice = await setupOwner(world);
    const bob = await signIn(world, 'bob', alice);
    await tokenClient(world, bob, 'laptop');
    await world.anonymous().post('/api/session', { username: 'bob', password: 'not-his-password-1' });
    const owner = await findUserByName(world.store, 'alice');
    platform = (
      await createWorkspace(
        world.store,
        WorkspaceInputSchema.parse({ name: 'platform', accounts: ['all'] }),
        { createdBy: owner?.id ?? '', owners: [owner?.id ?? ''] },
        world.clock.now,
      )
    ).id;
    for (const target of ['bob', 'carol', 'a "quoted", name'])
      await appendTrail(
        world.store,
        platform,
        {
          actor: 'alice',
          action: 'member.added',
          workspace: 'platform',
          target,
          outcome: 'ok',
          details: { role: 'viewer' },
        },
        () => world.clock.now,
      );
  });
  afterAll(async () => world?.close());

  it('verifies every chain, and names the entry edited in the database with exit 1', async () => {
    const ok = await cli('verify');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/✓ trail verified: 2 chains, \d+ entries/);
    const rows = JSON.parse(ok.stdout) as { chains: { workspace: string | null; ok: boolean }[] };
    expect(rows.chains.map((c) => [c.workspace, c.ok])).toEqual([
      [null, true],
      ['platform', true],
    ]);
    await sql`update trail set actor = 'mallory' where chain = ${platform} and seq = 2`.execute(world.store.db);
    const broken = await cli('verify');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`trail broken: platform (chain ${platform}), entry 2: content changed`);
    // the server's chain alone still verifies
    expect((await cli('verify', '--server-chain')).code).toBe(0);
    await sql`update trail set actor = 'alice' where chain = ${platform} and seq = 2`.execute(world.store.db);
    expect((await cli('verify', '--workspace', 'platform')).code).toBe(0);
  });

  it('lists with filters, in the machine formats', async () => {
    const denied = await cli('list', '--server-chain', '--who', 'bob', '--action', 'auth.*', '-o', 'json');
    expect(denied.code, denied.stderr).toBe(0);
    const entries = JSON.parse(denied.stdout) as TrailRecord[];
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['auth.sign_in', 'denied'],
      ['auth.sign_in', 'ok'],
    ]);
    const csv = await cli('list', '--workspace', 'platform', '-o', 'csv');
    expect(csv.stdout.split('\n')[0]).toBe(
      'at,workspace,seq,actor,action,target,outcome,address,details,chain,prev_hash,hash',
    );
    expect(csv.stdout).toContain('"a ""quoted"", name"');
    const limited = await cli('list', '--limit', '2', '-o', 'ndjson');
    expect(limited.stdout.trim().split('\n')).toHaveLength(2);
    expect(limited.stderr).toMatch(/older entries: add --before \S+/);
    const before = /--before (\S+)/.exec(limited.stderr)?.[1] ?? '';
    const older = await cli('list', '--limit', '2', '--before', before, '-o', 'ndjson');
    const seen = [...limited.stdout.trim().split('\n'), ...older.stdout.trim().split('\n')].map(
      (l) => `${(JSON.parse(l) as TrailRecord).chain}/${(JSON.parse(l) as TrailRecord).seq}`,
    );
    expect(new Set(seen).size).toBe(4);
  });

  it('exports jsonl to a 0600 file that verifies offline, and catches an edited line in it', async () => {
    const file = join(dir, `trail-${Math.random().toString(36).slice(2)}.jsonl`);
    const exported = await cli('export', '--format', 'jsonl', '--out', file);
    expect(exported.code, exported.stderr).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const offline = await runCli(['trail', 'verify', '--file', file], env());
    expect(offline.code, offline.stderr).toBe(0);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"target":"carol"', '"target":"dave"'));
    const edited = await runCli(['trail', 'verify', '--file', file], env());
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('entry 2: content changed');
    const csv = await cli('export', '--format', 'csv', '--workspace', 'platform');
    expect(csv.stdout).toContain('"a ""quoted"", name"');
    expect(csv.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(`^head,${platform},3,`));
  });

  it('catches a chain cut short with its head reset against a head file kept from before', async () => {
    const heads = join(dir, `heads-${Math.random().toString(36).slice(2)}.json`);
    expect((await cli('head', '--out', heads)).code).toBe(0);
    await sql`delete from trail where chain = ${platform} and seq = 3`.execute(world.store.db);
    await sql`update trail_heads set seq = 2, hash = (select hash from trail where chain = ${platform} and seq = 2) where chain = ${platform}`.execute(
      world.store.db,
    );
    expect((await cli('verify')).code).toBe(0);
    const against = await cli('verify', '--head', heads);
    expect(against.code).toBe(1);
    expect(against.stderr).toContain('entry 3: missing entry');
    expect(against.stderr).toContain(heads);
  });

  it('refuses bad usage with exit 2 and one line', async () => {
    for (const argv of [
      ['list', '--since', 'March'],
      ['list', '--limit', '0'],
      ['list', '--workspace', 'platform', '--server-chain'],
      ['list', '--workspace', 'nope'],
      ['export', '--format', 'xml'],
    ]) {
      const answer = await cli(...argv);
      expect([argv.join(' '), answer.code]).toEqual([argv.join(' '), argv.includes('nope') ? 1 : 2]);
      expect(answer.stderr).not.toMatch(/\n\s+at /);
    }
    const both = await runCli(['trail', 'verify', '--file', 'x.jsonl', '--db', url], env());
    expect(both.code).toBe(2);
  });
});

describe('crossbar trail --db on a file that is not there', () => {
  it('says so, exit 2, and creates nothing', async () => {
    const missing = join(dir, 'missing', 'team.db');
    const answer = await runCli(['trail', 'verify', '--db', missing], { CROSSBAR_HOME: join(dir, 'home') });
    expect(answer.code).toBe(2);
    expect(answer.stderr).toContain(`there is no team database at ${missing}`);
    expect(existsSync(missing)).toBe(false);
  });
});
