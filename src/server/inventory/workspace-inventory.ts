import { workspaceInventoryPath } from '../../core/inventory/index.js';
import type { AppContext } from '../app-env.js';
import { workspaceAccounts, type WorkspaceAccess } from '../workspace-access.js';

/**
 * Where a workspace's inventory lives on the server, and whose rows it may hold: CROSSBAR_HOME/inventories/ID.db,
 * written by the workspace's syncs (POST …/runs `{ kind: 'sync' }`), read only within the accounts the workspace
 * reaches now (docs/SERVER.md, "Inventory").
 */
export interface WorkspaceInventory {
  path: string;
  /** The account ids the workspace reaches (its selectors over the server's registry, as of this request). */
  accountIds: string[];
}

export function workspaceInventory(c: AppContext, access: WorkspaceAccess): WorkspaceInventory {
  return {
    path: workspaceInventoryPath(c.get('deps').home, access.workspace.id),
    accountIds: workspaceAccounts(c, access).map((a) => a.id),
  };
}
