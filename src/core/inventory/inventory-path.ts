import { join, resolve } from 'node:path';

/** Where the inventory lives: `--db FILE` (relative to the working directory), else CROSSBAR_HOME/inventory.db. */
export function inventoryPath(home: string, cwd: string, flag?: string): string {
  return flag ? resolve(cwd, flag) : join(home, 'inventory.db');
}

/**
 * A team server's inventory of one workspace: CROSSBAR_HOME/inventories/WORKSPACE_ID.db. One file per workspace,
 * named by its id (stable across renames, never reused), so that a workspace's SQL reads its own file and nothing
 * else; see docs/SERVER.md, "Inventory".
 */
export function workspaceInventoryPath(home: string, workspaceId: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(workspaceId)) throw new Error(`not a workspace id: ${workspaceId}`);
  return join(home, 'inventories', `${workspaceId}.db`);
}
