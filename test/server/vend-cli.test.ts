import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT, assumeRoleEvents } from '../helpers/sandbox-clients.js';
import { crossbarCli, startServedTeam, type ServedTeam } from '../helpers/team-cli.js';
import { addMember, makeWorkspace } from '../helpers/team-server.js';
import { assumeRoleCalls } from '../helpers/vend-world.js';
import type { CliEnv } from '../helpers/world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * The CLI through the server, end to end in real processes: with a current workspace, `crossbar exec` gets the
 * member's own vended session (no source keys on the member's machine) and the real `aws` CLI runs with it.
 */
let w: World;
let t: ServedTeam;
let carol: CliEnv;
beforeAll(async () => {
  w = await startWorld();
  t = await startServedTeam(w);
  const member = await t.member('carol');
  await makeWorkspace(t.alice, { name: 'platform', accounts: ['stage!=prod'] });
  await addMember(t.alice, 'platform', 'carol', 'operator');
  // carol's machine: her server token, and no AWS keys of any kind.
  carol = { ...t.cliEnv(), AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' };
  const login = await crossbarCli(['login', '--server', t.url, '--token', await t.tokenOf(member)], carol);
  if (login.code !== 0) throw new Error(login.stderr);
  const use = await crossbarCli(['workspace', 'use', 'platform'], carol);
  if (use.code !== 0) throw new Error(use.stderr);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await w?.stop();
});

describe('crossbar exec through the server', () => {
  it("runs the aws CLI as carol's own session, named in CloudTrail", async () => {
    const before = assumeRoleEvents(w.sb, DEVELOPMENT).length;
    const out = await crossbarCli(
      ['exec', 'development', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'],
      carol,
    );
    expect(out.stderr).not.toMatch(/error/i);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      Arn: `arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/carol`,
    });
    expect(assumeRoleEvents(w.sb, DEVELOPMENT).slice(before)).toEqual([
      expect.objectContaining({ requestParameters: expect.objectContaining({ sourceIdentity: 'carol' }) }),
    ]);
  });

  it('is refused for a workspace viewer, with the server’s message and no AssumeRole', async () => {
    await addMember(t.alice, 'platform', 'carol', 'viewer');
    const before = assumeRoleCalls(w.sb);
    const out = await crossbarCli(['exec', 'staging', '--', 'aws', 'sts', 'get-caller-identity'], carol);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('credentials.vend in platform needs the operator role');
    expect(assumeRoleCalls(w.sb)).toBe(before);
  });
});
