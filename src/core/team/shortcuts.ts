import { CrossbarError } from '../errors.js';
import type { TeamStore } from './open-team-db.js';
import { isoAt } from './team-ids.js';

/** A workspace's shortcut: `/switch-to-prod` → account (registry name), role (registry key), region. */
export interface ShortcutRecord {
  name: string;
  account: string;
  role: string;
  region: string;
  createdAt: string;
}

export async function listShortcuts(store: TeamStore, workspaceId: string): Promise<ShortcutRecord[]> {
  const rows = await store.db
    .selectFrom('shortcuts')
    .select(['name', 'account', 'role', 'region', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({
    name: r.name,
    account: r.account,
    role: r.role,
    region: r.region,
    createdAt: r.created_at,
  }));
}

/** Adds a shortcut; a name the workspace already has is CONFLICT. */
export async function addShortcut(
  store: TeamStore,
  workspaceId: string,
  shortcut: Omit<ShortcutRecord, 'createdAt'>,
  by: string,
  now: number,
): Promise<ShortcutRecord> {
  return store.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('shortcuts')
      .select('name')
      .where('workspace_id', '=', workspaceId)
      .where('name', '=', shortcut.name)
      .executeTakeFirst();
    if (taken)
      throw new CrossbarError('CONFLICT', `the shortcut ${shortcut.name} already exists in this workspace`, {
        hint: 'remove it first, or pick another name',
      });
    const createdAt = isoAt(now);
    await trx
      .insertInto('shortcuts')
      .values({ workspace_id: workspaceId, ...shortcut, created_at: createdAt, created_by: by })
      .execute();
    return { ...shortcut, createdAt };
  });
}

/** Removes a shortcut; returns it, or undefined when the workspace has none of that name. */
export async function removeShortcut(
  store: TeamStore,
  workspaceId: string,
  name: string,
): Promise<ShortcutRecord | undefined> {
  const existing = (await listShortcuts(store, workspaceId)).find((s) => s.name === name);
  if (!existing) return undefined;
  await store.db.deleteFrom('shortcuts').where('workspace_id', '=', workspaceId).where('name', '=', name).execute();
  return existing;
}
