import { CrossbarError } from '../errors.js';
import type { TeamStore } from './open-team-db.js';
import { isoAt } from './team-ids.js';
import type { TeamDb, WorkspaceRole } from './team-schema.js';
import { limitsFromJson, type MemberRecord } from './workspace-store.js';
import type { MemberLimit } from './workspace-model.js';

export interface ListedMember extends MemberRecord {
  addedAt: string;
}

export async function listMembers(store: TeamStore, workspaceId: string): Promise<ListedMember[]> {
  const rows = await store.db
    .selectFrom('members')
    .innerJoin('users', 'users.id', 'members.user_id')
    .select([
      'members.user_id as user_id',
      'members.role as role',
      'members.limits_json as limits_json',
      'members.added_at as added_at',
      'users.username as username',
      'users.display_name as display_name',
    ])
    .where('members.workspace_id', '=', workspaceId)
    .orderBy('users.username')
    .execute();
  return rows.map((row) => ({
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    limits: limitsFromJson(row.limits_json),
    addedAt: row.added_at,
  }));
}

/** What a membership change found: the member's role and limits before (undefined: they were not a member). */
export interface MemberChange {
  before: { role: WorkspaceRole; limits: MemberLimit[] } | undefined;
}

/**
 * Adds `userId` to the workspace or changes their role and limits. Demoting the last owner is CONFLICT: a
 * workspace always keeps an owner. The owners are locked while this runs (PostgreSQL `FOR UPDATE`; SQLite runs
 * one writer at a time), so two owners demoting each other at once cannot leave none.
 */
export async function putMember(
  store: TeamStore,
  workspaceId: string,
  member: { userId: string; role: WorkspaceRole; limits: MemberLimit[] },
  by: string,
  now: number,
): Promise<MemberChange> {
  return store.db.transaction().execute(async (trx) => {
    const before = await currentMember(trx, workspaceId, member.userId);
    if (before?.role === 'owner' && member.role !== 'owner') await keepAnOwner(store, trx, workspaceId, member.userId);
    const limitsJson = JSON.stringify(member.limits);
    if (before)
      await trx
        .updateTable('members')
        .set({ role: member.role, limits_json: limitsJson })
        .where('workspace_id', '=', workspaceId)
        .where('user_id', '=', member.userId)
        .execute();
    else
      await trx
        .insertInto('members')
        .values({
          workspace_id: workspaceId,
          user_id: member.userId,
          role: member.role,
          limits_json: limitsJson,
          added_at: isoAt(now),
          added_by: by,
        })
        .execute();
    return { before };
  });
}

/** Removes a member; removing the last owner is CONFLICT. Returns what they were, undefined if not a member. */
export async function removeMember(store: TeamStore, workspaceId: string, userId: string): Promise<MemberChange> {
  return store.db.transaction().execute(async (trx) => {
    const before = await currentMember(trx, workspaceId, userId);
    if (!before) return { before };
    if (before.role === 'owner') await keepAnOwner(store, trx, workspaceId, userId);
    await trx.deleteFrom('members').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
    return { before };
  });
}

async function currentMember(trx: TeamDb, workspaceId: string, userId: string): Promise<MemberChange['before']> {
  const row = await trx
    .selectFrom('members')
    .select(['role', 'limits_json'])
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { role: row.role, limits: limitsFromJson(row.limits_json) } : undefined;
}

async function keepAnOwner(store: TeamStore, trx: TeamDb, workspaceId: string, leaving: string): Promise<void> {
  let query = trx
    .selectFrom('members')
    .select('user_id')
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .orderBy('user_id'); // one lock order for every writer: no deadlock between two of them
  if (store.kind === 'postgres') query = query.forUpdate();
  const owners = await query.execute();
  if (owners.every((o) => o.user_id === leaving))
    throw new CrossbarError('CONFLICT', "this is the workspace's last owner: a workspace always keeps one", {
      hint: 'make another member owner first',
    });
}
