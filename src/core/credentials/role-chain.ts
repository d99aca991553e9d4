import { CrossbarError } from '../errors.js';
import type { Registry, RegistryAccount, RegistryRole } from '../config/registry.js';

/** AWS refuses more than one hour for a session obtained through role chaining. */
export const CHAINED_MAX_SECONDS = 3600;
export const DEFAULT_DURATION_SECONDS = 3600;

/** One AssumeRole on the way to a target, in the order they are made. */
export interface RoleHop {
  account: RegistryAccount;
  role: RegistryRole;
  /** DurationSeconds to request: the role's duration, capped for every hop after the first. */
  durationSeconds: number;
  /** True for every hop after the first: its caller is itself an assumed role. */
  chained: boolean;
}

export interface ChainTarget {
  account: RegistryAccount;
  role: RegistryRole;
}

/**
 * The hops to reach a target: follow `via` (a role key of the same account, or `account:roleKey`) back to a
 * role the source assumes directly, then reverse. A loop or an unknown `via` is a configuration error.
 */
export function resolveRoleChain(target: ChainTarget, registry: Registry): RoleHop[] {
  const reversed: ChainTarget[] = [target];
  const seen = new Set([hopId(target)]);
  let current = target;
  while (current.role.via !== undefined) {
    const next = resolveVia(current, current.role.via, registry);
    const id = hopId(next);
    if (seen.has(id)) {
      const loop = [...reversed].reverse().map(hopLabel).join(' → ');
      throw new CrossbarError(
        'CONFIG_INVALID',
        `Role chain loops back to ${hopLabel(next)}: ${hopLabel(next)} → ${loop}`,
        {
          hint: `Remove the \`via\` that closes the loop in accounts[${current.account.name}].roles`,
        },
      );
    }
    seen.add(id);
    reversed.push(next);
    current = next;
  }
  return reversed.reverse().map((hop, index) => {
    const wanted = hop.role.duration ?? DEFAULT_DURATION_SECONDS;
    const chained = index > 0;
    return {
      account: hop.account,
      role: hop.role,
      chained,
      durationSeconds: chained ? Math.min(wanted, CHAINED_MAX_SECONDS) : wanted,
    };
  });
}

function resolveVia(from: ChainTarget, via: string, registry: Registry): ChainTarget {
  const colon = via.indexOf(':');
  const accountRef = colon < 0 ? undefined : via.slice(0, colon);
  const roleRef = colon < 0 ? via : via.slice(colon + 1);
  const account =
    accountRef === undefined
      ? from.account
      : registry.accounts.find((a) => a.name === accountRef || a.id === accountRef || a.alias === accountRef);
  const where = `accounts[${from.account.name}].roles.${from.role.key}.via`;
  if (!account) {
    throw new CrossbarError('CONFIG_INVALID', `${where}: unknown account '${accountRef ?? ''}' in '${via}'`, {
      hint: 'Use `role` for a role of the same account, or `account:role` with an account name, id or alias from accounts',
    });
  }
  const role = account.roles.find((r) => r.key === roleRef || r.name === roleRef);
  if (!role) {
    throw new CrossbarError('CONFIG_INVALID', `${where}: account '${account.name}' has no role '${roleRef}'`, {
      hint: `Its roles: ${account.roles.map((r) => r.key).join(', ')}`,
    });
  }
  return { account, role };
}

function hopId(hop: ChainTarget): string {
  return `${hop.account.id}/${hop.account.name}/${hop.role.key}`;
}

function hopLabel(hop: ChainTarget): string {
  return `${hop.account.name}:${hop.role.key}`;
}
