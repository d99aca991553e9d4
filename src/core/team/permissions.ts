import type { WorkspaceRole } from './team-schema.js';
import type { MemberLimit } from './workspace-model.js';

/**
 * What each workspace role may do: one table, read by every route and by the permission-matrix test. A viewer
 * sees (the workspace, its members, runs, the bill and the audit's findings of its accounts); an operator also hops and runs; an admin also manages shortcuts, members below owner, and reads the trail;
 * an owner also changes the workspace itself, its owners, and deletes it.
 */
export const WORKSPACE_ACTIONS = [
  'workspace.read',
  'members.read',
  'shortcuts.read',
  'runs.read',
  'cost.read',
  'findings.read',
  'inventory.read',
  'credentials.vend',
  'runs.start',
  'shortcuts.write',
  'members.write',
  'trail.read',
  'workspace.write',
  'owners.write',
] as const;
export type WorkspaceAction = (typeof WORKSPACE_ACTIONS)[number];

const RANK: Readonly<Record<WorkspaceRole, number>> = { viewer: 0, operator: 1, admin: 2, owner: 3 };

const LEAST_ROLE: Readonly<Record<WorkspaceAction, WorkspaceRole>> = {
  'workspace.read': 'viewer',
  'members.read': 'viewer',
  'shortcuts.read': 'viewer',
  'runs.read': 'viewer',
  // The bill and the audit of the workspace's own accounts, read by the server: what a FinOps person or a
  // reviewer needs without any credentials of their own. Separate actions so that either can be raised alone.
  'cost.read': 'viewer',
  'findings.read': 'viewer',
  'inventory.read': 'viewer',
  'credentials.vend': 'operator',
  'runs.start': 'operator',
  'shortcuts.write': 'admin',
  'members.write': 'admin',
  'trail.read': 'admin',
  'workspace.write': 'owner',
  'owners.write': 'owner',
};

export function roleMay(role: WorkspaceRole, action: WorkspaceAction): boolean {
  return RANK[role] >= RANK[LEAST_ROLE[action]];
}

/** The least workspace role an action needs, for the refusal's message ("needs operator; bob is viewer"). */
export function leastRoleFor(action: WorkspaceAction): WorkspaceRole {
  return LEAST_ROLE[action];
}

export function outranks(a: WorkspaceRole, b: WorkspaceRole): boolean {
  return RANK[a] > RANK[b];
}

/**
 * Whether a member's per-account limits allow `roleKey` in the account. `inSelector(selector)` says whether the
 * account is among those a registry selector picks (the caller owns the registry). No limits = no restriction.
 */
export function limitsAllow(
  limits: readonly MemberLimit[],
  roleKey: string,
  inSelector: (selector: string) => boolean,
): boolean {
  if (limits.length === 0) return true;
  return limits.some(
    (limit) => (limit.roles.includes('*') || limit.roles.includes(roleKey)) && inSelector(limit.accounts),
  );
}
