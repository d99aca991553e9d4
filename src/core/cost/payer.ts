import { CrossbarError, isCrossbarError } from '../errors.js';
import { DEFAULT_REGION, defaultSourceName, type RegistryAccount, type RegistryRole } from '../config/registry.js';
import type { Crossbar } from '../crossbar.js';

/**
 * Where Cost Explorer is asked: the payer (management) account. By default through the source itself (the
 * source usually lives there); `--payer ACCOUNT[:ROLE]` names a role to assume there instead. The payer is
 * often not in the registry (it is where the source lives, not a target), so a 12-digit id with a role name
 * is enough.
 */
export interface PayerTarget {
  account: RegistryAccount;
  role: RegistryRole;
}

const ACCOUNT_ID = /^\d{12}$/;

function roleFor(accountId: string, name: string): RegistryRole {
  return {
    key: name,
    name,
    arn: `arn:aws:iam::${accountId}:role/${name}`,
    mfa: 'none',
    confirm: false,
    profileName: `payer-${accountId}-${name}`,
  };
}

export function resolvePayerTarget(crossbar: Pick<Crossbar, 'resolveTarget' | 'registry'>, text: string): PayerTarget {
  const colon = text.indexOf(':');
  const accountRef = colon < 0 ? text : text.slice(0, colon);
  const roleName = colon < 0 ? undefined : text.slice(colon + 1);
  if (roleName === '')
    throw new CrossbarError('USAGE', `--payer '${text}' names no role after ':'`, {
      hint: 'use --payer ACCOUNT[:ROLE], e.g. --payer 111111111111:CostReader',
    });
  const known = crossbar.registry.accounts.find(
    (a) => a.name === accountRef || a.id === accountRef || a.alias === accountRef,
  );
  if (known) {
    try {
      const target = crossbar.resolveTarget(text);
      return { account: target.account, role: target.role };
    } catch (err) {
      // A role the registry does not list is still a role name AWS may know.
      if (!isCrossbarError(err) || err.code !== 'UNKNOWN_ROLE' || roleName === undefined) throw err;
      return { account: known, role: roleFor(known.id, roleName) };
    }
  }
  if (!ACCOUNT_ID.test(accountRef)) {
    throw new CrossbarError(
      'UNKNOWN_ACCOUNT',
      `--payer '${accountRef}' is neither an account of the registry nor a 12-digit account id`,
      {
        hint: 'use --payer NAME[:ROLE] for a registry account, or --payer 123456789012:ROLE for the payer account',
      },
    );
  }
  const role = roleFor(accountRef, roleName ?? crossbar.registry.config.defaults.role);
  return {
    account: {
      id: accountRef,
      name: accountRef,
      color: 'blue',
      tags: {},
      regions: [DEFAULT_REGION],
      roles: [role],
      defaultRole: role,
      source: defaultSourceName(crossbar.registry),
    },
    role,
  };
}
