import type { Registry, RegistryAccount, RegistryRole } from '../config/registry.js';
import { CrossbarError } from '../errors.js';
import { selectAccounts } from '../select/select-accounts.js';
import { limitsAllow } from './permissions.js';
import type { MemberLimit } from './workspace-model.js';

/**
 * What a workspace reaches in the server's registry, and what a member may use there. Pure: the registry comes in,
 * nothing is read. The rule for one account × role: the workspace reaches the account (its selectors), the account
 * defines the role (the registry), the workspace lets members use it (its roles; none listed = all), and the
 * member's limits allow it.
 */

/** Selectors remembered per registry at most: workspaces and limits hold a few each. */
const PICKS_KEPT = 1000;
const picks = new WeakMap<Registry, Map<string, readonly RegistryAccount[]>>();

/**
 * The accounts one selector picks, or none (a selector that matches nothing, or is malformed). Remembered per
 * registry (a registry never changes; a new configuration is a new registry): every vend and read of a workspace
 * asks again for the same few selectors, and matching one compiles its globs.
 */
function pick(registry: Registry, selector: string): readonly RegistryAccount[] {
  let known = picks.get(registry);
  if (!known) picks.set(registry, (known = new Map()));
  const hit = known.get(selector);
  if (hit) return hit;
  let picked: readonly RegistryAccount[];
  try {
    picked = selectAccounts(registry, selector);
  } catch {
    picked = [];
  }
  if (known.size >= PICKS_KEPT) known.clear();
  known.set(selector, picked);
  return picked;
}

/** The accounts a workspace's selectors reach, in registry order, each once. */
export function reachedAccounts(registry: Registry, selectors: readonly string[]): RegistryAccount[] {
  const picked = new Set(selectors.flatMap((s) => pick(registry, s)).map((a) => a.name));
  return registry.accounts.filter((a) => picked.has(a.name));
}

export function inSelector(registry: Registry, account: RegistryAccount, selector: string): boolean {
  return pick(registry, selector).some((a) => a.name === account.name);
}

/** A role of the account by key or IAM name. */
export function accountRole(account: RegistryAccount, ref: string): RegistryRole | undefined {
  return account.roles.find((r) => r.key === ref) ?? account.roles.find((r) => r.name === ref);
}

/** The account's roles the workspace lets members use (its `roles`, matched by key or name; empty = all). */
export function workspaceRolesIn(account: RegistryAccount, workspaceRoles: readonly string[]): RegistryRole[] {
  if (workspaceRoles.length === 0) return account.roles;
  return account.roles.filter((r) => workspaceRoles.includes(r.key) || workspaceRoles.includes(r.name));
}

/** The roles of `account` a member with `limits` may use in a workspace with `workspaceRoles`. */
export function usableRoles(
  registry: Registry,
  account: RegistryAccount,
  workspaceRoles: readonly string[],
  limits: readonly MemberLimit[],
): RegistryRole[] {
  return workspaceRolesIn(account, workspaceRoles).filter(
    (role) =>
      limitsAllow(limits, role.key, (s) => inSelector(registry, account, s)) ||
      (role.name !== role.key && limitsAllow(limits, role.name, (s) => inSelector(registry, account, s))),
  );
}

/**
 * Checks a workspace's accounts and roles against the registry before they are stored: every selector must pick
 * at least one account, every role must be a role of at least one of them. One INVALID naming all that do not.
 */
export function checkWorkspaceReach(registry: Registry, selectors: readonly string[], roles: readonly string[]): void {
  const problems: string[] = [];
  for (const selector of selectors) {
    try {
      selectAccounts(registry, selector);
    } catch (err) {
      problems.push(`accounts '${selector}' ${describe(err)}`);
    }
  }
  const reached = reachedAccounts(registry, selectors);
  const unknownRoles = roles.filter((role) => !reached.some((a) => accountRole(a, role)));
  if (unknownRoles.length > 0)
    problems.push(
      `role${unknownRoles.length > 1 ? 's' : ''} ${unknownRoles.map((r) => `'${r}'`).join(', ')} not defined in any of its accounts`,
    );
  if (problems.length > 0)
    throw new CrossbarError('INVALID', `the workspace does not fit the server's registry: ${problems.join('; ')}`, {
      hint: `accounts are registry selectors (names, stage=dev, ou=/Workloads, tag:team=x); roles are role keys such as ${exampleRoles(registry, reached)}`,
    });
}

/** Checks a member's limits: each selector picks an account of the workspace, each role is `*` or usable there. */
export function checkLimits(
  registry: Registry,
  reached: readonly RegistryAccount[],
  workspaceRoles: readonly string[],
  limits: readonly MemberLimit[],
): void {
  const problems: string[] = [];
  for (const limit of limits) {
    const picked = pick(registry, limit.accounts).filter((a) => reached.some((r) => r.name === a.name));
    if (picked.length === 0) problems.push(`accounts '${limit.accounts}' picks no account of the workspace`);
    for (const role of limit.roles)
      if (
        role !== '*' &&
        !picked.some((a) => workspaceRolesIn(a, workspaceRoles).some((r) => r.key === role || r.name === role))
      )
        problems.push(`role '${role}' is not a role of the workspace in '${limit.accounts}'`);
  }
  if (problems.length > 0)
    throw new CrossbarError('INVALID', `the member's limits do not fit the workspace: ${problems.join('; ')}`, {
      hint: "a limit is { accounts: SELECTOR, roles: [ROLE_KEY…] } within the workspace's accounts and roles; * means every role",
    });
}

function describe(err: unknown): string {
  if (err instanceof CrossbarError && err.code === 'UNKNOWN_ACCOUNT') return 'matches no account';
  return err instanceof Error ? `is not a selector (${err.message})` : 'is not a selector';
}

function exampleRoles(registry: Registry, reached: readonly RegistryAccount[]): string {
  const keys = [
    ...new Set((reached.length > 0 ? reached : registry.accounts).flatMap((a) => a.roles.map((r) => r.key))),
  ];
  return keys.slice(0, 6).join(', ') || 'CrossbarReadOnly';
}

/** The account and role a shortcut of the workspace points at, or why it cannot (a sentence naming them). */
export function shortcutTarget(
  registry: Registry,
  workspace: { accounts: readonly string[]; roles: readonly string[] },
  accountRef: string,
  roleRef: string,
): { account: RegistryAccount; role: RegistryRole } | { problem: string } {
  const reached = reachedAccounts(registry, workspace.accounts);
  const account = reached.find((a) => a.name === accountRef || a.id === accountRef || a.alias === accountRef);
  if (!account)
    return {
      problem: `account '${accountRef}' is not an account of the workspace (its accounts: ${reached.map((a) => a.name).join(', ') || 'none'})`,
    };
  const usable = workspaceRolesIn(account, workspace.roles);
  const role = usable.find((r) => r.key === roleRef) ?? usable.find((r) => r.name === roleRef);
  if (!role)
    return {
      problem: `role '${roleRef}' is not a role of the workspace in ${account.name} (its roles there: ${usable.map((r) => r.key).join(', ') || 'none'})`,
    };
  return { account, role };
}

/** The shortcuts that would no longer point at an account and role of the workspace, each with why. */
export function shortcutProblems(
  registry: Registry,
  workspace: { accounts: readonly string[]; roles: readonly string[] },
  shortcuts: readonly { name: string; account: string; role: string }[],
): string[] {
  return shortcuts.flatMap((s) => {
    const target = shortcutTarget(registry, workspace, s.account, s.role);
    return 'problem' in target ? [`${s.name}: ${target.problem}`] : [];
  });
}
