import type { Hono } from 'hono';
import { CrossbarError } from '../../core/errors.js';
import {
  addShortcut,
  listShortcuts,
  reachedAccounts,
  removeShortcut,
  ShortcutInputSchema,
  shortcutTarget,
} from '../../core/team/index.js';
import type { AppEnv } from '../app-env.js';
import { readJson } from '../read-json.js';
import { recordWorkspaceTrail, serverRegistry, workspaceFor } from '../workspace-access.js';
import { shortcutJson } from '../workspace-json.js';

/**
 * A workspace's shortcuts (`/switch-to-prod` → account, role, region):
 * - `GET /api/workspaces/:ws/shortcuts` (viewer+);
 * - `POST /api/workspaces/:ws/shortcuts` (admin+): `{ name, account, role, region? }`; the account must be one the
 *   workspace reaches and the role one the workspace lets members use there, else 400 naming them;
 * - `DELETE /api/workspaces/:ws/shortcuts/:name` (admin+): the name without its slash (`switch-to-prod`).
 */
export function registerShortcutRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/shortcuts', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'shortcuts.read');
    const shortcuts = await listShortcuts(c.get('deps').store, access.workspace.id);
    const accounts = c.get('deps').crossbar ? reachedAccounts(serverRegistry(c), access.workspace.accounts) : [];
    return c.json({
      shortcuts: shortcuts.map((s) => shortcutJson(s, accounts.find((a) => a.name === s.account)?.id)),
    });
  });

  app.post('/api/workspaces/:ws/shortcuts', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'shortcuts.write');
    const input = await readJson(c, ShortcutInputSchema);
    const target = shortcutTarget(serverRegistry(c), access.workspace, input.account, input.role);
    if ('problem' in target)
      throw new CrossbarError('INVALID', `the shortcut ${input.name} cannot point there: ${target.problem}`, {
        hint: `GET /api/workspaces/${access.workspace.name} lists its accounts and roles`,
      });
    const { store, now } = c.get('deps');
    const shortcut = await addShortcut(
      store,
      access.workspace.id,
      { name: input.name, account: target.account.name, role: target.role.key, region: input.region },
      access.member.userId,
      now(),
    );
    await recordWorkspaceTrail(c, access, {
      action: 'shortcut.added',
      outcome: 'ok',
      target: shortcut.name,
      details: { account: shortcut.account, role: shortcut.role, region: shortcut.region },
    });
    return c.json({ shortcut: shortcutJson(shortcut, target.account.id) }, 201);
  });

  app.delete('/api/workspaces/:ws/shortcuts/:name', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'shortcuts.write');
    const name = `/${c.req.param('name').replace(/^\/+/, '')}`;
    const removed = await removeShortcut(c.get('deps').store, access.workspace.id, name);
    if (!removed)
      throw new CrossbarError('UNKNOWN_SHORTCUT', `${access.workspace.name} has no shortcut ${name.slice(0, 65)}`, {
        hint: `GET /api/workspaces/${access.workspace.name}/shortcuts lists them`,
      });
    await recordWorkspaceTrail(c, access, {
      action: 'shortcut.removed',
      outcome: 'ok',
      target: removed.name,
      details: { account: removed.account, role: removed.role, region: removed.region },
    });
    return c.json({ ok: true, removed: removed.name });
  });
}
