import type { Hono } from 'hono';
import { CrossbarError } from '../../core/errors.js';
import {
  checkLimits,
  findUserByName,
  listMembers,
  MemberInputSchema,
  putMember,
  reachedAccounts,
  removeMember,
  USERNAME_RE,
  type UserRow,
} from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import {
  recordWorkspaceTrail,
  requireAction,
  serverRegistry,
  workspaceFor,
  type WorkspaceAccess,
} from '../workspace-access.js';
import { memberJson } from '../workspace-json.js';

/**
 * Who has access to a workspace:
 * - `GET /api/workspaces/:ws/members` (viewer+): the members with their role and limits;
 * - `PUT /api/workspaces/:ws/members/:user` (admin+; owner to make, change or demote an owner): add a user or
 *   change their `{ role, limits }`; 201 when added, 200 when changed;
 * - `DELETE /api/workspaces/:ws/members/:user` (admin+; owner to remove an owner).
 * The last owner can be neither demoted nor removed (409). Every change is in the workspace's trail chain.
 */
export function registerMemberRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/members', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'members.read');
    const members = await listMembers(c.get('deps').store, access.workspace.id);
    return c.json({ members: members.map(memberJson) });
  });

  app.put('/api/workspaces/:ws/members/:user', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'members.write');
    const input = await readJson(c, MemberInputSchema);
    const user = await targetUser(c, access, c.req.param('user'));
    const { store, now } = c.get('deps');
    const current = (await listMembers(store, access.workspace.id)).find((m) => m.userId === user.id);
    if (input.role === 'owner' || current?.role === 'owner') await requireAction(c, access, 'owners.write');
    const registry = serverRegistry(c);
    checkLimits(registry, reachedAccounts(registry, access.workspace.accounts), access.workspace.roles, input.limits);
    const { before } = await putMember(
      store,
      access.workspace.id,
      { userId: user.id, role: input.role, limits: input.limits },
      access.member.userId,
      now(),
    );
    await recordWorkspaceTrail(c, access, {
      action: before ? 'member.changed' : 'member.added',
      outcome: 'ok',
      target: user.username,
      details: {
        role: input.role,
        limits: input.limits,
        ...(before ? { before: { role: before.role, limits: before.limits } } : {}),
      },
    });
    const member = (await listMembers(store, access.workspace.id)).find((m) => m.userId === user.id);
    return c.json({ member: member ? memberJson(member) : null }, before ? 200 : 201);
  });

  app.delete('/api/workspaces/:ws/members/:user', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'members.write');
    const username = c.req.param('user');
    const { store } = c.get('deps');
    const current = (await listMembers(store, access.workspace.id)).find((m) => m.username === username);
    if (!current) throw notAMember(username, access);
    if (current.role === 'owner') await requireAction(c, access, 'owners.write');
    await removeMember(store, access.workspace.id, current.userId);
    await recordWorkspaceTrail(c, access, {
      action: 'member.removed',
      outcome: 'ok',
      target: username,
      details: { role: current.role },
    });
    return c.json({ ok: true, removed: username });
  });
}

/** The user a membership change is about: an existing user of the server, else 404. */
async function targetUser(c: AppContext, access: WorkspaceAccess, username: string): Promise<UserRow> {
  const user = USERNAME_RE.test(username) ? await findUserByName(c.get('deps').store, username) : undefined;
  if (!user || Number(user.disabled) !== 0)
    throw new CrossbarError('UNKNOWN_USER', `there is no user ${username.slice(0, 64)} on this server`, {
      hint: `a server owner adds users (POST /api/users); then add them to ${access.workspace.name}`,
    });
  return user;
}

function notAMember(username: string, access: WorkspaceAccess): CrossbarError {
  return new CrossbarError('NOT_FOUND', `${username.slice(0, 64)} is not a member of ${access.workspace.name}`, {
    hint: `GET /api/workspaces/${access.workspace.name}/members lists them`,
  });
}
