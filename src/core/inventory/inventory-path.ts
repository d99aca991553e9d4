import { join, resolve } from 'node:path';

/** Where the inventory lives: `--db FILE` (relative to the working directory), else CROSSBAR_HOME/inventory.db. */
export function inventoryPath(home: string, cwd: string, flag?: string): string {
  return flag ? resolve(cwd, flag) : join(home, 'inventory.db');
}
