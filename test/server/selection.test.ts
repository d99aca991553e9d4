import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  makeWorkspace,
  setupOwner,
  signIn,
  startTeamWorld,
  type ApiClient,
  type TeamWorld,
} from '../helpers/team-server.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * GET /api/workspaces/:ws/selection (issue 11 item 5): the run form's "matches N accounts", selected as a run
 * through the server selects — within the workspace, a term reaching outside it refused as the run would be.
 */
interface Selection {
  selector: string;
  accounts: { name: string; id: string; stage: string | null; regions: string[]; role: string; usable: boolean }[];
}

describe('GET /api/workspaces/:ws/selection', () => {
  let sandbox: World;
  let world: TeamWorld;
  let alice: ApiClient;
  let bob: ApiClient;
  let dave: ApiClient;
  const selection = (selector: string, ws = 'platform') =>
    `/api/workspaces/${ws}/selection?selector=${encodeURIComponent(selector)}`;

  beforeAll(async () => {
    sandbox = await startWorld();
    world = await startTeamWorld({ crossbar: sandbox.crossbar() });
    alice = await setupOwner(world);
    bob = await signIn(world, 'bob', alice);
    dave = await signIn(world, 'dave', alice);
    await makeWorkspace(alice, { name: 'platform', accounts: ['stage!=prod'] });
    await makeWorkspace(alice, { name: 'production', accounts: ['production'] });
    await addMember(alice, 'platform', 'bob', 'viewer');
    await addMember(alice, 'platform', 'dave', 'operator', [{ accounts: 'development', roles: ['CrossbarReadOnly'] }]);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
    await sandbox?.stop();
  });

  it('names the accounts a selector picks in the workspace, to a viewer too', async () => {
    const all = await bob.get<Selection>(selection('all'));
    expect(all.status).toBe(200);
    expect(all.body.accounts.map((a) => a.name).sort()).toEqual(['client-acme', 'development', 'staging']);
    expect(all.body.accounts.find((a) => a.name === 'development')).toMatchObject({
      id: '222222222222',
      stage: 'dev',
      regions: ['us-east-1', 'eu-west-1'],
      usable: true,
    });
    const dev = await bob.get<Selection>(selection('stage=dev'));
    expect(dev.body.accounts.map((a) => a.name)).toEqual(['development']);
    const some = await bob.get<Selection>(selection('all,!staging'));
    expect(some.body.accounts.map((a) => a.name).sort()).toEqual(['client-acme', 'development']);
    // A member's limits: the accounts are picked, and the ones they may not use say so (a run would be refused).
    const limited = await dave.get<Selection>(selection('all'));
    expect(Object.fromEntries(limited.body.accounts.map((a) => [a.name, a.usable]))).toEqual({
      development: true,
      staging: false,
      'client-acme': false,
    });
  });

  it('refuses a term that reaches outside the workspace, as the run would, without naming what is outside', async () => {
    const outside = await bob.get<{ error: { code: string; message: string } }>(selection('production'));
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('FORBIDDEN');
    expect(outside.body.error.message).toMatch(/'production' reaches an account outside the workspace platform/);
    const unknown = await bob.get<{ error: { code: string } }>(selection('no-such-account'));
    expect(unknown.status).toBe(404);
    const empty = await bob.get<{ error: { code: string } }>('/api/workspaces/platform/selection?selector=');
    expect(empty.status).toBe(400);
    // Not a member of production: the 404 of a workspace that does not exist.
    const foreign = await bob.get<{ error: { code: string } }>(selection('all', 'production'));
    expect(foreign.status).toBe(404);
  });
});
