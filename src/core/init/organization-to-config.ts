import { toAccountName, uniqueNames } from './account-names.js';
import type { DiscoveredOrganization } from './discover-organization.js';
import type { InitAccount, InitConfig } from './init-config.js';

export interface OrganizationToConfigOptions {
  /** `--namespace`: feeds profile names (`{namespace}-{name}-{role}`). */
  namespace?: string;
}

/**
 * The crossbar.yaml content for a discovered organization: every account with its OU path, tags, stage and
 * colour; the `--role` template as the default role, so each account is reached through it.
 */
export function organizationToConfig(
  org: DiscoveredOrganization,
  options: OrganizationToConfigOptions = {},
): InitConfig {
  const accounts = uniqueNames(
    org.accounts.map((a): InitAccount => ({
      id: a.id,
      name: toAccountName(a.name, a.id),
      ...(a.stage ? { stage: a.stage } : {}),
      ...(a.color ? { color: a.color } : {}),
      ou: a.ou,
      ...(Object.keys(a.tags).length > 0 ? { tags: a.tags } : {}),
      ...(a.management
        ? { comment: `management account of ${org.id}: used with the source identity; it has no ${org.roleName}` }
        : {}),
    })),
  );
  return {
    organization: { name: options.namespace ?? org.id, namespace: options.namespace ?? 'crossbar' },
    defaults: { role: org.roleName },
    accounts,
  };
}
