import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/core/config/load-config.js';
import { importWorkspaces, type ImportLine } from '../../src/core/team/index.js';
import { CROSSBAR } from '../helpers/crossbar-bin.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { setupOwner, signIn, startTeamWorld, type TeamWorld } from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';

let pg: TestPostgres;
let sandbox: World;
beforeAll(async () => {
  [pg, sandbox] = await Promise.all([startTestPostgres(), startWorld()]);
}, 60_000);
afterAll(async () => Promise.all([pg?.stop(), sandbox?.stop()]));

const databases: [string, () => Promise<string | undefined>][] = [
  ['sqlite', () => Promise.resolve(undefined)],
  ['postgres', () => pg.createDatabase(`import_${Math.random().toString(36).slice(2, 8)}`)],
];

const brief = (lines: ImportLine[]): string[] =>
  lines.map((l) => `${l.outcome} ${l.what} ${l.name}${l.workspace ? ` in ${l.workspace}` : ''}`);

describe.each(databases)('serve --import on %s', (_kind, dbUrl) => {
  let world: TeamWorld;
  beforeAll(async () => {
    world = await startTeamWorld({ dbUrl: await dbUrl(), crossbar: sandbox.crossbar() });
  });
  afterAll(async () => world?.close());

  it('seeds the workspaces and shortcuts of crossbar.yaml once, and the first owner adopts them at setup', async () => {
    const registry = sandbox.registry();
    const now = () => world.clock.now;
    const first = await importWorkspaces(world.store, registry, registry.config, { now });
    expect(brief(first)).toEqual([
      'created workspace production',
      'created workspace platform',
      'created shortcut /switch-to-prod in production',
      'created shortcut /switch-to-staging in platform',
      'created shortcut /switch-to-dev in platform',
    ]);
    expect(first[0]?.why).toMatch(/no owner yet/);
    const again = await importWorkspaces(world.store, registry, registry.config, { now });
    expect(brief(again)).toEqual(brief(first).map((l) => l.replace('created', 'kept')));
    expect((await world.store.db.selectFrom('workspaces').selectAll().execute()).length).toBe(2);
    expect((await world.store.db.selectFrom('shortcuts').selectAll().execute()).length).toBe(3);

    const alice = await setupOwner(world);
    const list = await alice.get<{ workspaces: { name: string; role: string }[] }>('/api/workspaces');
    expect(list.body.workspaces).toEqual([
      expect.objectContaining({ name: 'platform', role: 'owner' }),
      expect.objectContaining({ name: 'production', role: 'owner' }),
    ]);
    const shortcuts = await alice.get<{ shortcuts: unknown[] }>('/api/workspaces/production/shortcuts');
    expect(shortcuts.body.shortcuts).toEqual([
      {
        name: '/switch-to-prod',
        account: 'production',
        account_id: '444444444444',
        role: 'CrossbarReadOnly',
        region: 'us-east-1',
      },
    ]);
    const trail = await world.store.db
      .selectFrom('trail')
      .select(['action', 'actor', 'workspace'])
      .where('workspace', '=', 'production')
      .orderBy('seq')
      .execute();
    expect(trail.map((t) => `${t.actor} ${t.action}`)).toEqual([
      'crossbar serve --import workspace.created',
      'crossbar serve --import shortcut.added',
      'alice member.added',
    ]);
  });

  it('makes the server owners owners of what it creates, adds listed members, and skips what does not fit', async () => {
    const alice = await signIn(world, 'alice');
    await signIn(world, 'carol', alice);
    const parsed = parseConfig(
      [
        'accounts:',
        '  - { id: "222222222222", name: development, stage: dev, roles: { admin: administrator } }',
        'workspaces:',
        '  - { name: dev-team, accounts: [ development ], members: [ carol:operator, nobody, carol ] }',
        '  - { name: gone, accounts: [ "stage=nothing" ] }',
        'shortcuts:',
        '  - { name: /dev-admin, account: development, role: admin }',
        '  - { name: /nowhere, account: development, role: nosuchrole }',
      ].join('\n'),
      'import.yaml',
    );
    if (!parsed.config) throw new Error('config did not parse');
    const lines = await importWorkspaces(world.store, sandbox.registry(), parsed.config, {
      now: () => world.clock.now,
    });
    expect(brief(lines)).toEqual([
      'created workspace dev-team',
      'created member carol in dev-team',
      'skipped member nobody in dev-team',
      'kept member carol in dev-team',
      'skipped workspace gone',
      'created shortcut /dev-admin in dev-team',
      'skipped shortcut /nowhere',
    ]);
    expect(lines[0]?.why).toBe('owners: alice');
    const members = await alice.get<{ members: { username: string; role: string }[] }>(
      '/api/workspaces/dev-team/members',
    );
    expect(members.body.members.map((m) => `${m.username}:${m.role}`)).toEqual(['alice:owner', 'carol:operator']);
  });
});

describe('crossbar serve --import', () => {
  const [node = 'node', ...cli] = CROSSBAR;

  async function serve(args: string[], home: string): Promise<{ out: string; err: string; code: number | null }> {
    const child = execFile(node, [...cli, 'serve', '--port', '0', ...args], {
      env: { ...sandbox.env(), CROSSBAR_HOME: home, NO_COLOR: '1' },
      cwd: sandbox.dir,
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 300 && !out.includes('Ctrl-C') && child.exitCode === null; i++)
      await new Promise((r) => setTimeout(r, 50));
    if (child.exitCode === null) child.kill('SIGTERM');
    return { out, err, code: await exited };
  }

  it('says what it created, then what it kept; a broken file is one line and exit 2', async () => {
    const home = mkdtempSync(join(tmpdir(), 'crossbar-serve-import-'));
    const yaml = sandbox.paths.crossbarYaml;
    const first = await serve(['--config', yaml, '--import', yaml], home);
    expect(first.code).toBe(0);
    expect(first.out).toContain(`registry      ${yaml} (4 accounts)`);
    expect(first.out).toMatch(/created workspace production \(no owner yet/);
    expect(first.out).toContain('created shortcut /switch-to-dev in platform');
    const second = await serve(['--import', yaml], home);
    expect(second.out).toContain('kept    workspace production (exists)');
    expect(second.out).toContain('kept    shortcut /switch-to-dev in platform (exists)');
    const broken = join(home, 'broken.yaml');
    writeFileSync(broken, 'workspaces: [ { name: x } ]\n');
    const bad = await serve(['--import', broken], home);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/broken\.yaml/);
    expect(bad.err).not.toMatch(/\n\s+at /);
    rmSync(home, { recursive: true, force: true });
  }, 60_000);
});
