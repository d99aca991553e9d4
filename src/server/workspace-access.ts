import type { RegistryAccount, RegistryRole, Registry } from '../core/config/index.js';
import { CrossbarError } from '../core/errors.js';
import {
  accountRole,
  findMembership,
  leastRoleFor,
  reachedAccounts,
  roleMay,
  usableRoles,
  WorkspaceNameSchema,
  type MemberRecord,
  type TrailEvent,
  type WorkspaceAction,
  type WorkspaceRecord,
} from '../core/team/index.js';
import type { AppContext } from './app-env.js';
import { requireUser } from './auth/authenticate.js';
import { forbidden, notFound } from './http-error.js';
import { recordTrail } from './record-trail.js';
import { CHANGE_ACTION, workspaceChangesOf } from './changes/workspace-changes.js';

/** A caller's way into one workspace: the workspace and their membership of it. */
export interface WorkspaceAccess {
  workspace: WorkspaceRecord;
  member: MemberRecord;
}

/**
 * The workspace `name` as the caller may see it, for `action`. A workspace that does not exist and one the caller
 * is not a member of get the same 404 (and the same trail entry, in the server's chain): a name is never confirmed
 * to an outsider. A member whose role is below what the action needs gets a 403 naming the role needed, recorded
 * as denied in the workspace's chain.
 */
export async function workspaceFor(c: AppContext, name: string, action: WorkspaceAction): Promise<WorkspaceAccess> {
  const principal = requireUser(c);
  const { store } = c.get('deps');
  const found = WorkspaceNameSchema.safeParse(name).success
    ? await findMembership(store, name, principal.userId)
    : undefined;
  if (!found) {
    await recordTrail(c, {
      actor: principal.username,
      action,
      target: name.slice(0, 128),
      outcome: 'denied',
      details: { reason: 'no such workspace, or not a member' },
    });
    throw notFound(`the workspace ${name.slice(0, 64)}`);
  }
  await requireAction(c, found, action);
  return found;
}

/**
 * A 403 naming the role needed, recorded as denied in the workspace's chain, unless the member's role may do
 * `action`. Routes whose action depends on the request (making an owner) call this after `workspaceFor`.
 */
export async function requireAction(c: AppContext, access: WorkspaceAccess, action: WorkspaceAction): Promise<void> {
  const { workspace, member } = access;
  if (roleMay(member.role, action)) return;
  const needs = leastRoleFor(action);
  await recordWorkspaceTrail(c, access, { action, outcome: 'denied', details: { role: member.role, needs } });
  throw forbidden(
    `${action} in ${workspace.name} needs the ${needs} role; ${member.username} is ${member.role}`,
    `ask ${needs === 'owner' ? 'an owner' : 'an owner or admin'} of ${workspace.name}`,
  );
}

/**
 * Records an event in the workspace's own chain, as the member. A change that succeeded (`member.*`, `shortcut.*`,
 * `workspace.*`) is then announced to the workspace's open pages (`GET …/changes`), once it is in the trail.
 */
export async function recordWorkspaceTrail(
  c: AppContext,
  access: WorkspaceAccess,
  event: Omit<TrailEvent, 'actor' | 'workspace' | 'address'>,
): Promise<unknown> {
  const entry = await recordTrail(
    c,
    { ...event, actor: access.member.username, workspace: access.workspace.name },
    access.workspace.id,
  );
  if (event.outcome === 'ok' && CHANGE_ACTION.test(event.action))
    workspaceChangesOf(c.get('deps')).publish(access.workspace.id, {
      action: event.action,
      target: event.target ?? null,
      at: entry.at,
    });
  return entry;
}

/** The server's registry (`crossbar serve --config`): without one, workspaces reach nothing, and say why. */
export function serverRegistry(c: AppContext): Registry {
  const registry = c.get('deps').crossbar?.registry;
  if (!registry)
    throw new CrossbarError(
      'CONFIG_NOT_FOUND',
      'this server was started without a crossbar.yaml: workspaces reach no account',
      {
        hint: 'restart it with `crossbar serve --config crossbar.yaml`',
      },
    );
  return registry;
}

/** The registry accounts the workspace reaches (its selectors). */
export function workspaceAccounts(c: AppContext, access: WorkspaceAccess): RegistryAccount[] {
  return reachedAccounts(serverRegistry(c), access.workspace.accounts);
}

/**
 * The role `roleKey` (key or IAM name) of `account` if the member may use it in this workspace: the workspace
 * reaches the account, the account defines the role, the workspace's roles include it and the member's limits
 * allow it. Undefined otherwise. Whether their workspace role may vend at all is `workspaceFor`'s question.
 */
export function memberMayUse(
  c: AppContext,
  access: WorkspaceAccess,
  account: RegistryAccount,
  roleKey: string,
): RegistryRole | undefined {
  const registry = serverRegistry(c);
  if (!reachedAccounts(registry, access.workspace.accounts).some((a) => a.name === account.name)) return undefined;
  const role = accountRole(account, roleKey);
  if (!role) return undefined;
  const usable = usableRoles(registry, account, access.workspace.roles, access.member.limits);
  return usable.some((r) => r.key === role.key) ? role : undefined;
}
