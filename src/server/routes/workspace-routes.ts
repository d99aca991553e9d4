import type { Hono } from 'hono';
import { CrossbarError } from '../../core/errors.js';
import {
  checkWorkspaceReach,
  createWorkspace,
  deleteWorkspace,
  listMemberships,
  listShortcuts,
  reachedAccounts,
  SERVER_CHAIN,
  shortcutProblems,
  updateWorkspace,
  usableRoles,
  WorkspaceInputSchema,
  WorkspacePatchSchema,
  type WorkspaceRecord,
} from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { forbidden } from '../http-error.js';
import { readJson } from '../read-json.js';
import { recordTrail } from '../record-trail.js';
import { recordWorkspaceTrail, serverRegistry, workspaceFor } from '../workspace-access.js';
import { accountJson, connectionTrail, shortcutJson, workspaceJson } from '../workspace-json.js';

/**
 * The workspaces (seed 000):
 * - `GET /api/workspaces`: the caller's workspaces, with their role in each;
 * - `POST /api/workspaces` (server owners): a new workspace, its creator its owner;
 * - `GET /api/workspaces/:ws` (viewer+): the workspace with the accounts it reaches, each with the roles the caller
 *   may use there (workspace roles ∩ the account's roles ∩ the caller's limits), its shortcuts and the caller's role;
 * - `PATCH`, `DELETE /api/workspaces/:ws` (owner): change its description, connection, accounts or roles; delete it.
 * Every change goes in the workspace's trail chain (creation and deletion in the server's too).
 */
export function registerWorkspaceRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces', async (c) => {
    const principal = requireUser(c);
    const rows = await listMemberships(c.get('deps').store, principal.userId);
    return c.json({
      workspaces: rows.map((m) => ({
        name: m.workspace.name,
        description: m.workspace.description,
        role: m.role,
        connection: { kind: m.workspace.connection.kind },
        accounts: m.workspace.accounts,
        member_count: m.memberCount,
      })),
    });
  });

  app.post('/api/workspaces', async (c) => {
    const principal = requireUser(c);
    if (principal.serverRole !== 'owner') {
      await recordTrail(c, {
        actor: principal.username,
        action: 'workspace.created',
        outcome: 'denied',
        details: { reason: 'not a server owner' },
      });
      throw forbidden(
        `${principal.username} is not an owner of this server`,
        'ask an owner of the server to create it',
      );
    }
    const input = await readJson(c, WorkspaceInputSchema);
    checkWorkspaceReach(serverRegistry(c), input.accounts, input.roles);
    const { store, now } = c.get('deps');
    const workspace = await createWorkspace(
      store,
      input,
      { createdBy: principal.userId, owners: [principal.userId] },
      now(),
    );
    await recordCreated(c, workspace, principal.username, 'api');
    return c.json({ workspace: workspaceJson(workspace), role: 'owner' }, 201);
  });

  app.get('/api/workspaces/:ws', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'workspace.read');
    const registry = serverRegistry(c);
    const { workspace, member } = access;
    const accounts = reachedAccounts(registry, workspace.accounts);
    const shortcuts = await listShortcuts(c.get('deps').store, workspace.id);
    return c.json({
      workspace: workspaceJson(workspace),
      role: member.role,
      limits: member.limits,
      accounts: accounts.map((a) => accountJson(a, usableRoles(registry, a, workspace.roles, member.limits))),
      shortcuts: shortcuts.map((s) => shortcutJson(s, accounts.find((a) => a.name === s.account)?.id)),
      // Where vended credentials work when it is not AWS itself (a sandbox): the CLI sets AWS_ENDPOINT_URL from it.
      ...(registry.config.endpoint ? { endpoint: registry.config.endpoint } : {}),
    });
  });

  app.patch('/api/workspaces/:ws', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'workspace.write');
    const patch = await readJson(c, WorkspacePatchSchema);
    const { workspace } = access;
    const next: WorkspaceRecord = {
      ...workspace,
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.connection !== undefined ? { connection: patch.connection } : {}),
      ...(patch.accounts !== undefined ? { accounts: patch.accounts } : {}),
      ...(patch.roles !== undefined ? { roles: patch.roles } : {}),
    };
    const registry = serverRegistry(c);
    checkWorkspaceReach(registry, next.accounts, next.roles);
    const { store } = c.get('deps');
    const broken = shortcutProblems(registry, next, await listShortcuts(store, workspace.id));
    if (broken.length > 0)
      throw new CrossbarError(
        'INVALID',
        `the change would break shortcuts of ${workspace.name}: ${broken.join('; ')}`,
        {
          hint: 'remove those shortcuts first, or keep their accounts and roles in the workspace',
        },
      );
    await updateWorkspace(store, workspace.id, patch);
    const changed = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    await recordWorkspaceTrail(c, access, {
      action: 'workspace.updated',
      outcome: 'ok',
      target: workspace.name,
      details: {
        changed,
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.connection ? { connection: connectionTrail(patch.connection) } : {}),
        ...(patch.accounts ? { accounts: patch.accounts } : {}),
        ...(patch.roles ? { roles: patch.roles } : {}),
      },
    });
    return c.json({ workspace: workspaceJson(next), role: access.member.role });
  });

  app.delete('/api/workspaces/:ws', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'workspace.write');
    const { workspace } = access;
    await deleteWorkspace(c.get('deps').store, workspace.id);
    const event = { action: 'workspace.deleted', outcome: 'ok' as const, target: workspace.name };
    await recordWorkspaceTrail(c, access, event);
    await recordTrail(c, {
      ...event,
      actor: access.member.username,
      workspace: workspace.name,
      details: { workspace_id: workspace.id },
    });
    return c.json({ ok: true, deleted: workspace.name });
  });
}

/** A new workspace's first entry in its own chain, and a line in the server's saying where that chain is. */
export async function recordCreated(
  c: AppContext,
  workspace: WorkspaceRecord,
  actor: string,
  via: 'api' | 'import',
): Promise<void> {
  const event = {
    actor,
    action: 'workspace.created',
    outcome: 'ok' as const,
    workspace: workspace.name,
    target: workspace.name,
  };
  await recordTrail(
    c,
    {
      ...event,
      details: {
        via,
        connection: connectionTrail(workspace.connection),
        accounts: workspace.accounts,
        roles: workspace.roles,
      },
    },
    workspace.id,
  );
  await recordTrail(c, { ...event, details: { via, workspace_id: workspace.id } }, SERVER_CHAIN);
}
