import { CrossbarError } from '../errors.js';
import type { TeamStore } from './open-team-db.js';
import { isoAt, newId } from './team-ids.js';
import type { WorkspaceRole, WorkspacesTable } from './team-schema.js';
import {
  MemberLimitSchema,
  WorkspaceConnectionSchema,
  type MemberLimit,
  type WorkspaceConnection,
  type WorkspaceInput,
} from './workspace-model.js';

/** A workspace as the server works with it: its JSON columns parsed (they were validated when written). */
export interface WorkspaceRecord {
  id: string;
  name: string;
  description: string;
  connection: WorkspaceConnection;
  /** Registry selectors: the accounts the workspace reaches. */
  accounts: string[];
  /** Registry role keys members may use; empty = every role of its accounts. */
  roles: string[];
  createdAt: string;
}

/** One member of one workspace. */
export interface MemberRecord {
  userId: string;
  username: string;
  displayName: string;
  role: WorkspaceRole;
  limits: MemberLimit[];
}

export function workspaceFromRow(row: WorkspacesTable): WorkspaceRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    connection: WorkspaceConnectionSchema.parse(JSON.parse(row.connection_json)),
    accounts: stringList(row.accounts_json),
    roles: stringList(row.roles_json),
    createdAt: row.created_at,
  };
}

export function limitsFromJson(json: string): MemberLimit[] {
  return MemberLimitSchema.array().parse(JSON.parse(json));
}

function stringList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function findWorkspace(store: TeamStore, name: string): Promise<WorkspaceRecord | undefined> {
  return store.db
    .selectFrom('workspaces')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst()
    .then((row) => (row ? workspaceFromRow(row) : undefined));
}

/** The workspace `name` with `userId`'s membership, in one query; undefined for a missing workspace and a non-member. */
export async function findMembership(
  store: TeamStore,
  name: string,
  userId: string,
): Promise<{ workspace: WorkspaceRecord; member: MemberRecord } | undefined> {
  const row = await store.db
    .selectFrom('workspaces')
    .innerJoin('members', 'members.workspace_id', 'workspaces.id')
    .innerJoin('users', 'users.id', 'members.user_id')
    .selectAll('workspaces')
    .select([
      'members.role as member_role',
      'members.limits_json as member_limits',
      'users.username as username',
      'users.display_name as display_name',
    ])
    .where('workspaces.name', '=', name)
    .where('members.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    workspace: workspaceFromRow(row),
    member: {
      userId,
      username: row.username,
      displayName: row.display_name,
      role: row.member_role,
      limits: limitsFromJson(row.member_limits),
    },
  };
}

export interface Membership {
  workspace: WorkspaceRecord;
  role: WorkspaceRole;
  memberCount: number;
}

/** The workspaces `userId` is a member of, by name, with their role and how many members each has. */
export async function listMemberships(store: TeamStore, userId: string): Promise<Membership[]> {
  const rows = await store.db
    .selectFrom('workspaces')
    .innerJoin('members', 'members.workspace_id', 'workspaces.id')
    .selectAll('workspaces')
    .select('members.role as member_role')
    .select((eb) =>
      eb
        .selectFrom('members as m')
        .whereRef('m.workspace_id', '=', 'workspaces.id')
        .select(eb.fn.countAll<number | string>().as('n'))
        .as('member_count'),
    )
    .where('members.user_id', '=', userId)
    .orderBy('workspaces.name')
    .execute();
  return rows.map((row) => ({
    workspace: workspaceFromRow(row),
    role: row.member_role,
    memberCount: Number(row.member_count ?? 0),
  }));
}

/**
 * Creates a workspace with its owners (none: an imported workspace waiting for the server's first owner, see
 * `adoptOrphanWorkspaces`). A taken name is CONFLICT.
 */
export async function createWorkspace(
  store: TeamStore,
  input: WorkspaceInput,
  by: { createdBy: string; owners: readonly string[] },
  now: number,
): Promise<WorkspaceRecord> {
  const id = newId();
  const at = isoAt(now);
  return store.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('workspaces').select('id').where('name', '=', input.name).executeTakeFirst();
    if (taken)
      throw new CrossbarError('CONFLICT', `the workspace ${input.name} already exists`, {
        hint: 'pick another name, or change the existing one with PATCH',
      });
    const row: WorkspacesTable = {
      id,
      name: input.name,
      description: input.description,
      connection_json: JSON.stringify(input.connection),
      accounts_json: JSON.stringify(input.accounts),
      roles_json: JSON.stringify(input.roles),
      created_at: at,
      created_by: by.createdBy,
    };
    await trx.insertInto('workspaces').values(row).execute();
    for (const userId of by.owners)
      await trx
        .insertInto('members')
        .values({
          workspace_id: id,
          user_id: userId,
          role: 'owner',
          limits_json: '[]',
          added_at: at,
          added_by: by.createdBy,
        })
        .execute();
    return workspaceFromRow(row);
  });
}

export interface WorkspaceChange {
  description?: string | undefined;
  connection?: WorkspaceConnection | undefined;
  accounts?: string[] | undefined;
  roles?: string[] | undefined;
}

export async function updateWorkspace(store: TeamStore, id: string, change: WorkspaceChange): Promise<void> {
  const set: Partial<WorkspacesTable> = {};
  if (change.description !== undefined) set.description = change.description;
  if (change.connection !== undefined) set.connection_json = JSON.stringify(change.connection);
  if (change.accounts !== undefined) set.accounts_json = JSON.stringify(change.accounts);
  if (change.roles !== undefined) set.roles_json = JSON.stringify(change.roles);
  if (Object.keys(set).length > 0) await store.db.updateTable('workspaces').set(set).where('id', '=', id).execute();
}

/** Deletes a workspace with its members, shortcuts and runs; its trail chain stays (append-only). */
export async function deleteWorkspace(store: TeamStore, id: string): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    const runs = trx.selectFrom('runs').select('id').where('workspace_id', '=', id);
    await trx.deleteFrom('run_results').where('run_id', 'in', runs).execute();
    await trx.deleteFrom('runs').where('workspace_id', '=', id).execute();
    await trx.deleteFrom('shortcuts').where('workspace_id', '=', id).execute();
    await trx.deleteFrom('members').where('workspace_id', '=', id).execute();
    await trx.deleteFrom('workspaces').where('id', '=', id).execute();
  });
}

/**
 * Makes `userId` the owner of every workspace that has no member (imported before the server had an owner):
 * called when setup creates the first owner. Returns the workspaces adopted.
 */
export async function adoptOrphanWorkspaces(
  store: TeamStore,
  userId: string,
  now: number,
): Promise<{ id: string; name: string }[]> {
  return store.db.transaction().execute(async (trx) => {
    const orphans = await trx
      .selectFrom('workspaces')
      .select(['id', 'name'])
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom('members').select('user_id').whereRef('members.workspace_id', '=', 'workspaces.id')),
        ),
      )
      .orderBy('name')
      .execute();
    for (const ws of orphans)
      await trx
        .insertInto('members')
        .values({
          workspace_id: ws.id,
          user_id: userId,
          role: 'owner',
          limits_json: '[]',
          added_at: isoAt(now),
          added_by: userId,
        })
        .execute();
    return orphans;
  });
}
