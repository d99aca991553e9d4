import type { Hono } from 'hono';
import { CrossbarError } from '../../core/errors.js';
import { selectWorkspaceTargets } from '../../core/team/index.js';
import type { AppEnv } from '../app-env.js';
import { memberMayUse, serverRegistry, workspaceAccounts, workspaceFor } from '../workspace-access.js';

/**
 * What a run's selector picks, before the run (issue 11 item 5: the run form says how many accounts it matches):
 * `GET /api/workspaces/:ws/selection?selector=&role=` (viewer+) → `{ selector, accounts: [{ name, id, stage,
 * regions, role, usable }] }`, selected as `POST …/runs` selects (`selectWorkspaceTargets`: within the workspace,
 * a term that reaches outside it refused 403 naming the term; each account's default role unless `role` names
 * one), with `usable` saying whether the caller may use that role there (the workspace's roles and their limits).
 * A read of the workspace's own registry: nothing is sent to AWS and nothing is trailed.
 */
export function registerSelectionRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/selection', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'runs.read');
    const selector = (c.req.query('selector') ?? '').trim();
    const role = c.req.query('role');
    if (selector === '' || selector.length > 512)
      throw new CrossbarError('INVALID', '?selector= must be 1 to 512 characters', {
        hint: 'e.g. ?selector=all or ?selector=stage=dev',
      });
    if (role !== undefined && (role === '' || role.length > 128))
      throw new CrossbarError('INVALID', '?role= must be 1 to 128 characters', {
        hint: 'leave it out for each account’s default role',
      });
    const targets = selectWorkspaceTargets({
      registry: serverRegistry(c),
      workspaceAccounts: workspaceAccounts(c, access),
      workspaceName: access.workspace.name,
      selector,
      role,
    });
    return c.json({
      selector,
      accounts: targets.map((t) => ({
        name: t.account.name,
        id: t.account.id,
        stage: t.account.stage ?? null,
        regions: t.account.regions,
        role: t.role.key,
        usable: memberMayUse(c, access, t.account, t.role.key) !== undefined,
      })),
    });
  });
}
