import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRoleEvents, DEVELOPMENT, keysOf, MANAGEMENT } from '../helpers/sandbox-clients.js';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { awsCli, startVendWorld, type VendedBody } from '../helpers/vend-world.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * Each kind of workspace connection (workspace-model.ts) vends the member's own session: the server's source, a
 * profile of its AWS files, its environment keys, and a role assumed first ("Role-Based authentication"). The
 * connection only decides how the server gets in; the last hop is always named after the member. The database
 * plays no part here, so SQLite only (vend.test.ts runs the route on both).
 */
const HUB = `arn:aws:iam::${MANAGEMENT}:role/CrossbarHub`;
const READ_ONLY_DEV = `arn:aws:iam::${DEVELOPMENT}:role/CrossbarReadOnly`;
let sandbox: World;
let world: TeamWorld;
let carol: ApiClient;
beforeAll(async () => {
  sandbox = await startWorld();
  const bob = keysOf(sandbox.sb, 'bob');
  world = await startVendWorld(sandbox, sandbox.crossbar(), undefined, {
    // The server's environment: its AWS files (profiles alice and bob), and bob's keys as environment keys.
    env: { ...sandbox.awsEnv, AWS_ACCESS_KEY_ID: bob.accessKeyId, AWS_SECRET_ACCESS_KEY: bob.secretAccessKey },
  });
  const alice = await setupOwner(world);
  carol = await signIn(world, 'carol', alice);
  const connections = {
    'via-source': { kind: 'source' },
    'via-profile': { kind: 'profile', profile: 'bob' },
    'via-env': { kind: 'env' },
    'via-role': { kind: 'role', role_arn: HUB },
    'via-missing-profile': { kind: 'profile', profile: 'nobody' },
  };
  for (const [name, connection] of Object.entries(connections)) {
    await makeWorkspace(alice, { name, accounts: ['development'], connection });
    await addMember(alice, name, 'carol', 'operator');
  }
}, 60_000);
afterAll(async () => {
  await world?.close();
  await sandbox?.stop();
});

async function vend(workspace: string): Promise<{ body: VendedBody; event: Record<string, unknown> | undefined }> {
  const before = assumeRoleEvents(sandbox.sb, DEVELOPMENT).length;
  const answer = await carol.post<VendedBody>(`/api/workspaces/${workspace}/credentials`, { account: 'development' });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const events = assumeRoleEvents(sandbox.sb, DEVELOPMENT).slice(before);
  expect(events).toHaveLength(1);
  return { body: answer.body, event: events[0] };
}

describe('workspace connections', () => {
  it.each([
    ['via-source', 'alice'],
    ['via-profile', 'bob'],
    ['via-env', 'bob'],
  ])('%s: the server gets in as %s, the session is carol’s', async (workspace, caller) => {
    const { body, event } = await vend(workspace);
    expect((await awsCli(sandbox.sb, body, ['sts', 'get-caller-identity']))['Arn']).toBe(
      `arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/carol`,
    );
    expect(event).toMatchObject({ requestParameters: { roleSessionName: 'carol', sourceIdentity: 'carol' } });
    // The caller's side of the same call, in the management account's trail, names who the server got in as.
    const callerSide = assumeRoleEvents(sandbox.sb, MANAGEMENT)
      .filter((e) => (e['requestParameters'] as { roleArn?: string }).roleArn === READ_ONLY_DEV)
      .at(-1);
    expect(callerSide).toMatchObject({
      userIdentity: { arn: `arn:aws:iam::${MANAGEMENT}:user/${caller}` },
      requestParameters: { sourceIdentity: 'carol' },
    });
  });

  it('via-role: the connection role first (as the server, no SourceIdentity), then carol’s own hop', async () => {
    const hubBefore = assumeRoleEvents(sandbox.sb, MANAGEMENT).length;
    const { body, event } = await vend('via-role');
    expect(event).toMatchObject({ requestParameters: { roleSessionName: 'carol', sourceIdentity: 'carol' } });
    const hub = assumeRoleEvents(sandbox.sb, MANAGEMENT)
      .slice(hubBefore)
      .filter((e) => (e['requestParameters'] as { roleArn?: string }).roleArn === HUB);
    expect(hub).toHaveLength(1);
    expect(hub[0]).toMatchObject({ requestParameters: { roleSessionName: 'crossbar-server' } });
    expect(hub[0]?.['requestParameters']).not.toHaveProperty('sourceIdentity');
    expect((await awsCli(sandbox.sb, body, ['sts', 'get-caller-identity']))['Arn']).toBe(
      `arn:aws:sts::${DEVELOPMENT}:assumed-role/CrossbarReadOnly/carol`,
    );
  });

  it('a connection that cannot get in fails with a clear answer, in the trail, and nothing vended', async () => {
    const answer = await carol.post('/api/workspaces/via-missing-profile/credentials', { account: 'development' });
    // the server's own way in failed, not carol's request: a bad gateway, never a 401 her client would take for
    // "sign in again"
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({
      error: { code: 'CREDENTIALS_MISSING', message: expect.stringContaining('profile nobody') },
    });
    const row = await world.store.db
      .selectFrom('trail')
      .select(['outcome', 'details_json'])
      .where('workspace', '=', 'via-missing-profile')
      .where('action', '=', 'credentials.vend')
      .executeTakeFirstOrThrow();
    expect(row.outcome).toBe('failed');
  });
});
