import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossbarCli, lines, startServedTeam, type ServedTeam } from '../helpers/team-cli.js';
import type { ApiClient } from '../helpers/team-server.js';
import type { CliEnv } from '../helpers/world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar workspace …` and `crossbar shortcut …` against a real team server whose registry is the sandbox's, the
 * CLI in real processes signed in with API tokens: alice (server owner), bob and carol (members).
 */
let w: World;
let t: ServedTeam;
let bob: ApiClient;
const env: Record<string, CliEnv> = {};

async function signedIn(client: ApiClient): Promise<CliEnv> {
  const cli = t.cliEnv();
  const login = await crossbarCli(['login', '--server', t.url, '--token', await t.tokenOf(client)], cli);
  if (login.code !== 0) throw new Error(login.stderr);
  return cli;
}

beforeAll(async () => {
  w = await startWorld();
  t = await startServedTeam(w);
  bob = await t.member('bob');
  const carol = await t.member('carol');
  [env['alice'], env['bob'], env['carol']] = await Promise.all([signedIn(t.alice), signedIn(bob), signedIn(carol)]);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await w?.stop();
});

const as = (who: string, argv: string[]) => crossbarCli(argv, env[who] ?? {});
const json = (text: string): unknown => JSON.parse(text);

describe('crossbar workspace', () => {
  it('create (server owners), list, and the member refused (one line, exit 1)', async () => {
    const made = await as('alice', [
      'workspace',
      'create',
      'platform',
      '--accounts',
      'stage!=prod',
      '--description',
      'dev and staging',
    ]);
    expect(made.code).toBe(0);
    expect(lines(made.stderr)[0]).toBe(
      `Created workspace platform on ${t.url} (accounts stage!=prod; you are its owner).`,
    );
    const prod = await as('alice', ['workspace', 'create', 'production', '--accounts', 'production']);
    expect(prod.code).toBe(0);
    const list = await as('alice', ['workspace', 'list', '-o', 'json']);
    expect(list.code).toBe(0);
    expect(json(list.stdout)).toEqual([
      expect.objectContaining({ name: 'platform', role: 'owner', accounts: 'stage!=prod', current: false }),
      expect.objectContaining({ name: 'production', role: 'owner', accounts: 'production', current: false }),
    ]);
    const refused = await as('bob', ['workspace', 'create', 'bobs', '--accounts', 'development']);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)).toEqual([
      'crossbar: bob is not an owner of this server',
      'hint: ask an owner of the server to create it',
    ]);
    const empty = await as('bob', ['workspace', 'list', '-o', 'json']);
    expect(json(empty.stdout)).toEqual([]);
  }, 60_000);

  it('add-member, set-role (limits kept), remove-member; a viewer may not add members (one line, exit 1)', async () => {
    const addBob = await as('alice', ['workspace', 'add-member', 'bob', '--role', 'viewer', '-w', 'platform']);
    expect(addBob).toMatchObject({ code: 0, stderr: 'Added bob as viewer to platform.\n' });
    const addCarol = await as('alice', [
      'workspace',
      'add-member',
      'carol',
      '--role',
      'operator',
      '--limit',
      'all=CrossbarReadOnly',
      '--limit',
      'stage=dev=admin',
      '-w',
      'platform',
    ]);
    expect(addCarol.code).toBe(0);
    expect(addCarol.stderr).toBe(
      'Added carol as operator (limits: all=CrossbarReadOnly stage=dev=admin) to platform.\n',
    );
    const again = await as('alice', ['workspace', 'add-member', 'bob', '-w', 'platform']);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)[0]).toBe('crossbar: bob is already a member of platform (viewer)');

    const viewer = await as('bob', ['workspace', 'add-member', 'dave', '--role', 'viewer', '-w', 'platform']);
    expect(viewer.code).toBe(1);
    expect(lines(viewer.stderr)[0]).toBe('crossbar: members.write in platform needs the admin role; bob is viewer');

    const promoted = await as('alice', ['workspace', 'set-role', 'carol', 'admin', '-w', 'platform']);
    expect(promoted.stderr).toBe(
      'platform: carol as admin (limits: all=CrossbarReadOnly stage=dev=admin) (was operator).\n',
    );
    const demoted = await as('alice', ['workspace', 'set-role', 'carol', 'operator', '--no-limits', '-w', 'platform']);
    expect(demoted.stderr).toBe('platform: carol as operator (was admin).\n');
    const badRole = await as('alice', ['workspace', 'set-role', 'carol', 'boss', '-w', 'platform']);
    expect(badRole.code).toBe(2);
    expect(lines(badRole.stderr)[0]).toBe("crossbar: 'boss' is not a workspace role");

    expect((await as('alice', ['workspace', 'add-member', 'bob', '-w', 'production'])).code).toBe(0);
    const removed = await as('alice', ['workspace', 'remove-member', 'bob', '-w', 'production']);
    expect(removed).toMatchObject({ code: 0, stderr: 'Removed bob from production.\n' });
  }, 90_000);

  it('use sets the current workspace (checked against the server); show lists what the member may use', async () => {
    const unknown = await as('carol', ['workspace', 'use', 'production']);
    expect(unknown.code).toBe(1);
    expect(lines(unknown.stderr)[0]).toBe('crossbar: the workspace production does not exist');
    const use = await as('carol', ['workspace', 'use', 'platform']);
    expect(use.code).toBe(0);
    expect(lines(use.stderr)[0]).toBe(`Now using workspace platform on ${t.url} as operator.`);
    const state = json(readFileSync(join(env['carol']?.['CROSSBAR_HOME'] ?? '', 'server.json'), 'utf8'));
    expect(state).toMatchObject({ workspace: 'platform', username: 'carol' });

    const show = await as('carol', ['workspace', 'show', '-o', 'json']);
    expect(show.code).toBe(0);
    const detail = json(show.stdout) as { role: string; accounts: { name: string }[]; members: { username: string }[] };
    expect(detail.role).toBe('operator');
    expect(detail.accounts.map((a) => a.name)).toEqual(['development', 'staging', 'client-acme']);
    expect(detail.members.map((m) => m.username).sort()).toEqual(['alice', 'bob', 'carol']);

    const list = await as('carol', ['workspace', 'list', '-o', 'json']);
    expect(json(list.stdout)).toEqual([expect.objectContaining({ name: 'platform', current: true })]);
    const whoami = await as('carol', ['whoami', '-o', 'json']);
    expect(json(whoami.stdout)).toEqual({
      server: t.url,
      user: 'carol',
      serverRole: 'member',
      workspace: 'platform',
      workspaceRole: 'operator',
    });
  }, 60_000);
});

describe('crossbar shortcut with a current workspace', () => {
  it('add, list and remove go to the server and say so; a viewer is refused (one line, exit 1)', async () => {
    expect((await as('alice', ['workspace', 'use', 'platform'])).code).toBe(0);
    const added = await as('alice', ['shortcut', 'add', '/dev-admin', 'dev:admin', '--region', 'eu-west-1']);
    expect(added).toMatchObject({
      code: 0,
      stderr: `added /dev-admin → development:admin eu-west-1 to workspace platform on ${t.url}\n`,
    });
    const listed = await as('alice', ['shortcut', 'list', '-o', 'table']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^\/dev-admin +development +222222222222 +admin +eu-west-1 +dev/m);
    expect(listed.stderr).toBe(`shortcuts of workspace platform on ${t.url}\n`);
    const server = await t.alice.get<{ shortcuts: { name: string }[] }>('/api/workspaces/platform/shortcuts');
    expect(server.body.shortcuts.map((s) => s.name)).toEqual(['/dev-admin']);

    expect((await as('bob', ['workspace', 'use', 'platform'])).code).toBe(0);
    const refused = await as('bob', ['shortcut', 'remove', '/dev-admin']);
    expect(refused.code).toBe(1);
    expect(lines(refused.stderr)[0]).toBe('crossbar: shortcuts.write in platform needs the admin role; bob is viewer');

    const removed = await as('alice', ['shortcut', 'remove', 'dev-admin']);
    expect(removed).toMatchObject({ code: 0, stderr: `removed /dev-admin from workspace platform on ${t.url}\n` });
  }, 60_000);

  it('the local twin: with --config (or no current workspace) shortcuts are crossbar.yaml’s', async () => {
    const local = await as('alice', ['shortcut', 'list', '-o', 'table', '--config', w.paths.crossbarYaml]);
    expect(local.code).toBe(0);
    expect(local.stdout).toContain('/switch-to-prod');
    expect(local.stderr).toBe(`shortcuts of ${w.paths.crossbarYaml}\n`);
    const none = await as('alice', ['workspace', 'use', '--none']);
    expect(none.code).toBe(0);
    const again = await crossbarCli(['shortcut', 'list', '-o', 'json'], {
      ...env['alice'],
      CROSSBAR_CONFIG: w.paths.crossbarYaml,
    });
    expect((json(again.stdout) as { name: string }[]).map((s) => s.name)).toContain('/switch-to-dev');
  }, 60_000);
});
