import type { Registry, RegistryAccount, RegistryRole } from '../config/registry.js';
import { CrossbarError, isCrossbarError } from '../errors.js';
import type { FanoutAccount } from '../fanout/types.js';
import { selectAccounts } from '../select/select-accounts.js';

/**
 * The accounts (each with its role) a run through the server reaches: the selector stays within the workspace.
 * `all` (and a selector of exclusions only) means every account of the workspace; any other term that picks an
 * account outside the workspace refuses the whole run, before any AWS call, rather than being trimmed to fit.
 * The refusal names the term the member wrote and how many accounts it reaches outside, not their names: the
 * registry's other accounts are none of the member's business.
 */
export interface WorkspaceTargetsInput {
  registry: Registry;
  /** The workspace's accounts, resolved from its selectors. */
  workspaceAccounts: readonly RegistryAccount[];
  workspaceName: string;
  selector: string;
  /** A registry role key (or IAM name); absent: each account's default role. */
  role?: string | undefined;
}

const EVERYTHING = new Set(['all', '*']);

export function selectWorkspaceTargets(input: WorkspaceTargetsInput): FanoutAccount[] {
  const inside = new Set(input.workspaceAccounts.map((a) => a.name));
  for (const term of includeTerms(input.selector)) {
    const outside = picks(input.registry, term).filter((a) => !inside.has(a.name));
    if (outside.length > 0)
      throw new CrossbarError(
        'FORBIDDEN',
        `'${term}' reaches ${outside.length === 1 ? 'an account' : `${outside.length} accounts`} outside the workspace ${input.workspaceName}: a run stays within its workspace`,
        { hint: `name accounts of ${input.workspaceName} (GET /api/workspaces/${input.workspaceName} lists them)` },
      );
  }
  if (input.workspaceAccounts.length === 0)
    throw new CrossbarError('USAGE', `the workspace ${input.workspaceName} reaches no account of the registry`, {
      hint: "check the workspace's account selectors against the server's crossbar.yaml",
    });
  const restricted: Registry = { ...input.registry, accounts: [...input.workspaceAccounts] };
  const accounts = selectAccounts(restricted, input.selector);
  return withRoles(accounts, input);
}

function includeTerms(selector: string): string[] {
  return selector
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && !t.startsWith('!') && !EVERYTHING.has(t));
}

/** What one term picks in the whole registry; a term that picks nothing there picks nothing outside either. */
function picks(registry: Registry, term: string): RegistryAccount[] {
  try {
    return selectAccounts(registry, term);
  } catch (err) {
    if (isCrossbarError(err) && err.code === 'UNKNOWN_ACCOUNT') return [];
    throw err;
  }
}

/**
 * Each account with the role the run uses: one the registry defines for it, never a role tried by name (which in
 * the source's own account would be the server's own identity). Whether the member may use it there (the
 * workspace's roles, their limits) is the caller's question, asked of every target before the run starts.
 */
function withRoles(accounts: readonly RegistryAccount[], input: WorkspaceTargetsInput): FanoutAccount[] {
  const missing: string[] = [];
  const targets: FanoutAccount[] = [];
  for (const account of accounts) {
    const role: RegistryRole | undefined =
      input.role === undefined
        ? account.defaultRole
        : (account.roles.find((r) => r.key === input.role) ?? account.roles.find((r) => r.name === input.role));
    if (!role) {
      missing.push(account.name);
      continue;
    }
    targets.push({ account, role });
  }
  if (missing.length > 0)
    throw new CrossbarError('USAGE', `no role '${input.role ?? ''}' in ${missing.join(', ')}`, {
      hint: `pick a role these accounts define (GET /api/workspaces/${input.workspaceName} lists them), or narrow the selector`,
    });
  return targets;
}
