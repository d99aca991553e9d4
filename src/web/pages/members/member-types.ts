import type { WorkspaceDetail, WorkspaceRole } from '../../types.js';

/** A per-account limit (src/core/team/workspace-model.ts MemberLimit): in the accounts `accounts` selects, `roles`. */
export interface MemberLimit {
  accounts: string;
  roles: string[];
}

/** `GET /api/workspaces/:ws/members` → `{ members }`. */
export interface Member {
  username: string;
  display_name: string | null;
  role: WorkspaceRole;
  limits: MemberLimit[];
  added_at: string;
}

export const ROLES: readonly WorkspaceRole[] = ['viewer', 'operator', 'admin', 'owner'];

/** What each workspace role may do (src/core/team/permissions.ts), in a few words for the role pickers. */
export const ROLE_MEANS: Readonly<Record<WorkspaceRole, string>> = {
  viewer: 'sees accounts, runs and members',
  operator: 'also gets credentials and starts runs',
  admin: 'also manages members, shortcuts; reads the trail',
  owner: 'also changes the workspace and its owners',
};

/** The registry role keys a limit may name: the workspace's roles, else every role its accounts define. */
export function workspaceRoleKeys(detail: WorkspaceDetail | undefined): string[] {
  if (!detail) return [];
  if (detail.workspace.roles.length > 0) return [...detail.workspace.roles];
  return [...new Set(detail.accounts.flatMap((a) => a.roles.map((r) => r.key)))].sort();
}

/** Suggestions for a limit's account selector: all, the stages, the accounts. */
export function accountSuggestions(detail: WorkspaceDetail | undefined): string[] {
  if (!detail) return ['all'];
  const stages = [...new Set(detail.accounts.map((a) => a.stage))].map((s) => `stage=${s}`);
  return ['all', ...stages, ...detail.accounts.map((a) => a.name)];
}

/** One limit in words: `stage=dev: every role`, `production: CrossbarReadOnly`. */
export function describeLimit(limit: MemberLimit): string {
  return `${limit.accounts}: ${limit.roles.includes('*') ? 'every role' : limit.roles.join(', ')}`;
}
