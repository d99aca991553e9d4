import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './run-cli.js';
import {
  closedPortUrl,
  crossbarCli,
  lines,
  startCrossbar,
  startServedTeam,
  type ServedTeam,
} from '../helpers/team-cli.js';
import { PASSWORDS, startTeamWorld } from '../helpers/team-server.js';
import { listen } from '../../src/server/index.js';

/**
 * `crossbar login|logout|whoami` against a real team server on a free port, the CLI in real processes: the device
 * flow approved through the API, a given token, the setup of a new server, and the refusals (a bad token, a revoked
 * one, a server that does not answer): one line and its hint, exit 1.
 */
let t: ServedTeam;
beforeAll(async () => {
  t = await startServedTeam();
}, 30_000);
afterAll(async () => t?.close());

const home = (env: Record<string, string | undefined>) => env['CROSSBAR_HOME'] ?? '';

describe('crossbar login', () => {
  it('signs in through the device flow once the code is approved by a signed-in user, and whoami shows the server', async () => {
    const env = t.cliEnv();
    const login = startCrossbar(['login', '--server', t.url, '--name', 'laptop'], env);
    const code = await waitFor(() => /approve the code ([A-Z]{4}-[A-Z]{4})/.exec(login.stderr())?.[1], 20_000);
    expect(login.stderr()).toContain(`${t.url}/device?code=${code}`);
    const approved = await t.alice.post('/api/device/approve', { user_code: code });
    expect(approved.status).toBe(200);
    const done = await login.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toContain(`Signed in to ${t.url} as alice.`);
    expect(done.stderr).toContain(`The token is kept in ${join(home(env), 'server-token')} (0600).`);
    expect(statSync(join(home(env), 'server-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(home(env), 'server.json')).mode & 0o777).toBe(0o600);
    const state: unknown = JSON.parse(readFileSync(join(home(env), 'server.json'), 'utf8'));
    expect(state).toMatchObject({ url: t.url, username: 'alice', tokenStore: 'file' });
    expect(readFileSync(join(home(env), 'server.json'), 'utf8')).not.toContain('xbt_');
    const tokens = await t.alice.get<{ tokens: { name: string }[] }>('/api/tokens');
    expect(tokens.body.tokens.map((x) => x.name)).toContain('laptop');

    const whoami = await crossbarCli(['whoami', '-o', 'json'], env);
    expect(whoami.code).toBe(0);
    expect(JSON.parse(whoami.stdout)).toEqual({
      server: t.url,
      user: 'alice',
      serverRole: 'owner',
      workspace: null,
    });
  }, 60_000);

  it('a code nobody approves is refused when it is collected after it expired (denied twin): one line, exit 1', async () => {
    const env = t.cliEnv();
    const login = startCrossbar(['login', '--server', t.url], env);
    await waitFor(() => (/approve the code/.test(login.stderr()) ? true : undefined), 20_000);
    // The server's clock moves past the code's ten minutes.
    t.team.clock.advance(11 * 60_000);
    const done = await login.done;
    t.team.clock.advance(-11 * 60_000);
    expect(done.code).toBe(1);
    expect(lines(done.stderr).slice(-2)).toEqual([
      expect.stringMatching(/^crossbar: the code [A-Z]{4}-[A-Z]{4} expired or was used before approval$/),
      'hint: run `crossbar login` again for a new code',
    ]);
  }, 60_000);

  it('signs in with a given API token; logout revokes it on the server', async () => {
    const bob = await t.member('bob');
    const token = await t.tokenOf(bob);
    const env = t.cliEnv();
    const login = await crossbarCli(['login', '--server', `${t.url}/`, '--token', token], env);
    expect(login.code).toBe(0);
    expect(login.stderr).toContain(`Signed in to ${t.url} as bob.`);
    const whoami = await crossbarCli(['whoami', '-o', 'json'], env);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ user: 'bob', serverRole: 'member' });

    const logout = await crossbarCli(['logout'], env);
    expect(logout.code).toBe(0);
    expect(logout.stderr).toBe(`Signed out of ${t.url} (bob); the token is revoked.\n`);
    const reused = t.team.anonymous();
    reused.token = token;
    expect((await reused.get('/api/session')).status).toBe(401);
    // Signed out: whoami is about the local source again, and there is none here.
    const after = await crossbarCli(['whoami'], env);
    expect(after.code).toBe(2);
    expect(after.stderr).toContain('crossbar.yaml');
  }, 60_000);

  it('a bad token is one line and exit 1, and nothing is kept', async () => {
    const env = t.cliEnv();
    const bad = await crossbarCli(['login', '--server', t.url, '--token', 'xbt_not-a-token'], env);
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual([
      `crossbar: the crossbar server at ${t.url} does not accept this token`,
      `hint: it is unknown, revoked or expired: sign in with \`crossbar login --server ${t.url}\` alone`,
    ]);
    expect(() => statSync(join(home(env), 'server.json'))).toThrow();
  }, 30_000);

  it('a token revoked behind the CLI’s back: one line saying to run crossbar login, exit 1', async () => {
    const carol = await t.member('carol');
    const token = await t.tokenOf(carol);
    const env = t.cliEnv();
    expect((await crossbarCli(['login', '--server', t.url, '--token', token], env)).code).toBe(0);
    const { tokenId } = JSON.parse(readFileSync(join(home(env), 'server.json'), 'utf8')) as { tokenId: string };
    expect((await carol.delete(`/api/tokens/${tokenId}`)).status).toBe(200);
    const whoami = await crossbarCli(['whoami'], env);
    expect(whoami.code).toBe(1);
    expect(lines(whoami.stderr)).toEqual([
      `crossbar: the crossbar server at ${t.url} no longer accepts this sign-in (the API token is not valid: unknown, revoked or expired)`,
      `hint: run \`crossbar login --server ${t.url}\``,
    ]);
  }, 30_000);

  it('a server that does not answer is one line naming the URL, exit 1', async () => {
    const dead = await closedPortUrl();
    const down = await crossbarCli(['login', '--server', dead], t.cliEnv());
    expect(down.code).toBe(1);
    expect(lines(down.stderr)).toEqual([
      `crossbar: the crossbar server at ${dead} does not answer (ECONNREFUSED)`,
      'hint: check that `crossbar serve` runs there and the URL is right',
    ]);
    const notUrl = await crossbarCli(['login', '--server', 'crossbar.example'], t.cliEnv());
    expect(notUrl.code).toBe(2);
    expect(lines(notUrl.stderr)[0]).toBe("crossbar: 'crossbar.example' is not a server URL");
  }, 30_000);

  it('--setup creates the first owner of a new server (password from stdin), and refuses a wrong setup token', async () => {
    const fresh = await startTeamWorld();
    const served = await listen(fresh.app, { port: 0 });
    try {
      const env = t.cliEnv();
      const wrong = await crossbarCli(
        ['login', '--server', served.url, '--setup', 'xbsetup_wrong', '--username', 'dave', '--password-stdin'],
        env,
        `${PASSWORDS['dave'] ?? ''}\n`,
      );
      expect(wrong.code).toBe(1);
      expect(lines(wrong.stderr)[0]).toBe('crossbar: the setup token is not the one this server printed');
      const noOwner = await crossbarCli(['login', '--server', served.url], env);
      expect(noOwner.code).toBe(2);
      expect(lines(noOwner.stderr)[0]).toBe(`crossbar: the crossbar server at ${served.url} has no owner yet`);

      const setup = await crossbarCli(
        ['login', '--server', served.url, '--setup', fresh.setupToken, '--username', 'dave', '--password-stdin'],
        env,
        `${PASSWORDS['dave'] ?? ''}\n`,
      );
      expect(setup.code).toBe(0);
      expect(setup.stderr).toContain(`Signed in to ${served.url} as dave.`);
      const whoami = await crossbarCli(['whoami', '-o', 'json'], env);
      expect(JSON.parse(whoami.stdout)).toMatchObject({ user: 'dave', serverRole: 'owner' });
      // The setup's browser-style session was only the way to the token: it is over, the token remains.
      const sessions = await fresh.store.db.selectFrom('sessions').selectAll().execute();
      expect(sessions).toEqual([]);
    } finally {
      await served.close(1_000);
      await fresh.close();
    }
  }, 60_000);
});

describe('crossbar logout', () => {
  it('with the server down: forgets the sign-in here and says the token was not revoked (one line naming the URL, exit 1)', async () => {
    const fresh = await startTeamWorld();
    const served = await listen(fresh.app, { port: 0 });
    const env = t.cliEnv();
    try {
      const login = await crossbarCli(
        ['login', '--server', served.url, '--setup', fresh.setupToken, '--username', 'dave', '--password-stdin'],
        env,
        `${PASSWORDS['dave'] ?? ''}\n`,
      );
      expect(login.code).toBe(0);
    } finally {
      await served.close(1_000);
      await fresh.close();
    }
    const logout = await crossbarCli(['logout'], env);
    expect(logout.code).toBe(1);
    expect(lines(logout.stderr)).toEqual([
      `crossbar: signed out here, but the token was not revoked: the crossbar server at ${served.url} does not answer (ECONNREFUSED)`,
      `hint: it works until it expires; revoke it in the token list of ${served.url} when the server is back`,
    ]);
    expect(() => statSync(join(home(env), 'server.json'))).toThrow();
    expect(() => statSync(join(home(env), 'server-token'))).toThrow();
    // The twin: signed out already, logout has nothing to do.
    const again = await crossbarCli(['logout'], env);
    expect(again).toMatchObject({ code: 0, stderr: 'Not signed in to a crossbar server: nothing to do.\n' });
  }, 60_000);
});
