import type { RegistryAccount, RegistryRole } from '../core/config/index.js';
import { switchRoleUrlFor } from '../core/console/index.js';
import type { ListedMember, ShortcutRecord, WorkspaceConnection, WorkspaceRecord } from '../core/team/index.js';

/**
 * What the API shows of workspaces, members and shortcuts: snake_case, ids of rows never shown (names are the
 * handles), and a role connection's ExternalId never shown (only that one is set).
 */
export function connectionJson(connection: WorkspaceConnection): Record<string, unknown> {
  if (connection.kind === 'role')
    return { kind: 'role', role_arn: connection.role_arn, external_id_set: connection.external_id !== undefined };
  return { ...connection };
}

export function workspaceJson(workspace: WorkspaceRecord): Record<string, unknown> {
  return {
    name: workspace.name,
    description: workspace.description,
    connection: connectionJson(workspace.connection),
    accounts: workspace.accounts,
    roles: workspace.roles,
    created_at: workspace.createdAt,
  };
}

export function accountJson(account: RegistryAccount, roles: readonly RegistryRole[]): Record<string, unknown> {
  return {
    id: account.id,
    name: account.name,
    ...(account.alias ? { alias: account.alias } : {}),
    stage: account.stage ?? null,
    color: account.color,
    ou: account.ou ?? null,
    tags: account.tags,
    regions: account.regions,
    // The console's switch-role link, as `crossbar console --switch-role` builds it (seed 004: stage colour).
    roles: roles.map((r) => ({
      key: r.key,
      name: r.name,
      confirm: r.confirm,
      mfa: r.mfa,
      switch_role_url: switchRoleUrlFor(account, r),
    })),
  };
}

export function memberJson(member: ListedMember): Record<string, unknown> {
  return {
    username: member.username,
    display_name: member.displayName,
    role: member.role,
    limits: member.limits,
    added_at: member.addedAt,
  };
}

export function shortcutJson(shortcut: ShortcutRecord, accountId?: string): Record<string, unknown> {
  return {
    name: shortcut.name,
    account: shortcut.account,
    ...(accountId ? { account_id: accountId } : {}),
    role: shortcut.role,
    region: shortcut.region,
  };
}

/** A connection in the trail: its kind and what names it, never its ExternalId. */
export function connectionTrail(connection: WorkspaceConnection): Record<string, unknown> {
  const shown = connectionJson(connection);
  delete shown['external_id_set'];
  return shown;
}
