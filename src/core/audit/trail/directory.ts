import type { RegistryAccount } from '../../config/registry.js';
import type { PrincipalKnowledge } from './types.js';

/**
 * What crossbar knows of the accounts and principals a trail names: the registry first, then the source's own
 * account, then the organization's accounts, and the principal ids (AIDA…, AROA…) of whatever IAM it could
 * read. Anything else is foreign: an assumption by a principal of a foreign account is flagged.
 */
export interface KnownAccount {
  id: string;
  name?: string;
}

export interface TrailDirectoryInput {
  registry: readonly Pick<RegistryAccount, 'id' | 'name' | 'stage'>[];
  /** The account the source identity lives in (the management account in the demo). */
  sourceAccountId?: string | undefined;
  /** The organization's accounts, when the source could list them. */
  organization?: readonly KnownAccount[] | undefined;
  /** Principal ids (a user's AIDA…, a role's AROA…) → ARN, from IAM the run could read. */
  principalIds?: ReadonlyMap<string, string> | undefined;
}

export interface TrailDirectory {
  accountName(accountId: string): string | undefined;
  knowledge(accountId: string): PrincipalKnowledge;
  /** A principal id's ARN; a role session's id (`AROA…:session`) names its role. */
  principalArn(principalId: string): string | undefined;
}

export function createTrailDirectory(input: TrailDirectoryInput): TrailDirectory {
  const registry = new Map(input.registry.map((a) => [a.id, a.name]));
  const organization = new Map((input.organization ?? []).map((a) => [a.id, a.name]));
  const ids = input.principalIds ?? new Map<string, string>();
  return {
    accountName: (id) => registry.get(id) ?? organization.get(id),
    knowledge(id) {
      if (registry.has(id)) return 'registry';
      if (id === input.sourceAccountId) return 'source';
      if (organization.has(id)) return 'organization';
      return 'foreign';
    },
    principalArn(principalId) {
      const [unique = ''] = principalId.split(':');
      return ids.get(unique);
    },
  };
}
