import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendTrail,
  createWorkspace,
  findUserByName,
  putMember,
  WorkspaceInputSchema,
  type TrailRecord,
} from '../../src/core/team/index.js';
import { startServedTeam, type ServedTeam } from '../helpers/team-cli.js';
import type { CliEnv } from '../helpers/world.js';
import { runCli } from './run-cli.js';

/**
 * `crossbar trail …` against a team server on a real socket, signed in with `crossbar login --token`: what each
 * member may read, verification by the server and here (--head), exports that verify offline.
 */
let t: ServedTeam;
let aliceEnv: CliEnv;
let bobEnv: CliEnv;
let daveEnv: CliEnv;
let platform: string;

async function loggedIn(username: string): Promise<CliEnv> {
  const client = username === 'alice' ? t.alice : await t.member(username);
  const env = t.cliEnv();
  const login = await runCli(['login', '--server', t.url, '--token', await t.tokenOf(client)], env);
  if (login.code !== 0) throw new Error(`login of ${username}: ${login.stderr}`);
  return env;
}

beforeAll(async () => {
  t = await startServedTeam();
  [aliceEnv, bobEnv, daveEnv] = [await loggedIn('alice'), await loggedIn('bob'), await loggedIn('dave')];
  const { store } = t.team;
  const [alice, bob] = [await findUserByName(store, 'alice'), await findUserByName(store, 'bob')];
  platform = (
    await createWorkspace(
      store,
      WorkspaceInputSchema.parse({ name: 'platform', accounts: ['all'] }),
      { createdBy: alice?.id ?? '', owners: [alice?.id ?? ''] },
      t.team.clock.now,
    )
  ).id;
  await putMember(
    store,
    platform,
    { userId: bob?.id ?? '', role: 'admin', limits: [] },
    alice?.id ?? '',
    t.team.clock.now,
  );
  for (const target of ['bob', 'carol', 'erin'])
    await appendTrail(
      store,
      platform,
      { actor: 'alice', action: 'member.added', workspace: 'platform', target, outcome: 'ok' },
      () => t.team.clock.now,
    );
}, 60_000);
afterAll(async () => t?.close());

describe('crossbar trail against the server', () => {
  it('lists what each member may read: the owner every chain, an admin their workspace, a stranger a 404', async () => {
    const all = await runCli(['trail', 'list', '-o', 'json', '--limit', '1000'], aliceEnv);
    expect(all.code, all.stderr).toBe(0);
    const chains = new Set((JSON.parse(all.stdout) as TrailRecord[]).map((e) => e.workspace ?? e.chain));
    expect(chains).toEqual(new Set(['server', 'platform']));
    const bobs = await runCli(['trail', 'list', '--workspace', 'platform', '--who', 'alice', '-o', 'json'], bobEnv);
    expect((JSON.parse(bobs.stdout) as TrailRecord[]).map((e) => e.target)).toEqual(['erin', 'carol', 'bob']);
    const stranger = await runCli(['trail', 'list', '--workspace', 'platform'], daveEnv);
    expect(stranger.code).toBe(1);
    expect(stranger.stderr).toContain('the workspace platform does not exist');
    const serverChain = await runCli(['trail', 'list', '--server-chain'], bobEnv);
    expect(serverChain.code).toBe(1);
    expect(serverChain.stderr).toContain('is not one');
  });

  it('verifies through the server and names the entry edited in its database', async () => {
    const ok = await runCli(['trail', 'verify'], aliceEnv);
    expect(ok.code, ok.stderr).toBe(0);
    await sql`update trail set target = 'mallory' where chain = ${platform} and seq = 2`.execute(t.team.store.db);
    const broken = await runCli(['trail', 'verify', '--workspace', 'platform'], bobEnv);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`trail broken: platform (chain ${platform}), entry 2: content changed`);
    await sql`update trail set target = 'carol' where chain = ${platform} and seq = 2`.execute(t.team.store.db);
  });

  it('exports jsonl that verifies offline; the server chain records the export', async () => {
    const file = join(aliceEnv['CROSSBAR_HOME'] ?? '', 'trail.jsonl');
    const exported = await runCli(['trail', 'export', '--format', 'jsonl', '--out', file], aliceEnv);
    expect(exported.code, exported.stderr).toBe(0);
    expect((await runCli(['trail', 'verify', '--file', file], aliceEnv)).code).toBe(0);
    const csv = await runCli(['trail', 'export', '--format', 'csv', '--workspace', 'platform'], bobEnv);
    expect(csv.stdout.split('\n')[0]).toMatch(/^type,chain,seq,at,/);
    const recorded = await runCli(
      ['trail', 'list', '--server-chain', '--action', 'trail.exported', '-o', 'json'],
      aliceEnv,
    );
    expect((JSON.parse(recorded.stdout) as TrailRecord[]).map((e) => e.actor)).toEqual(['bob', 'alice']);
    // a cut-off download is not a whole export: the last lines (the heads) are missing
    const text = readFileSync(file, 'utf8').split('\n');
    writeFileSync(file, text.slice(0, -3).join('\n'));
    expect((await runCli(['trail', 'verify', '--file', file], aliceEnv)).code).toBe(1);
  });

  it('checks a head kept from before here, on the export, where the server alone sees nothing wrong', async () => {
    const heads = join(bobEnv['CROSSBAR_HOME'] ?? '', 'heads.json');
    expect((await runCli(['trail', 'head', '--workspace', 'platform', '--out', heads], bobEnv)).code).toBe(0);
    await sql`delete from trail where chain = ${platform} and seq = 3`.execute(t.team.store.db);
    await sql`update trail_heads set seq = 2, hash = (select hash from trail where chain = ${platform} and seq = 2) where chain = ${platform}`.execute(
      t.team.store.db,
    );
    expect((await runCli(['trail', 'verify', '--workspace', 'platform'], bobEnv)).code).toBe(0);
    const against = await runCli(['trail', 'verify', '--workspace', 'platform', '--head', heads], bobEnv);
    expect(against.code).toBe(1);
    expect(against.stderr).toContain('entry 3: missing entry');
  });

  it('says to sign in when nobody is', async () => {
    const nobody = await runCli(['trail', 'list'], t.cliEnv());
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('not signed in to a crossbar server');
  });
});
