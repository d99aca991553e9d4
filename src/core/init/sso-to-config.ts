import type { SsoAssignment } from '../sso/index.js';
import { toAccountName, uniqueNames } from './account-names.js';
import { colorFromTags, detectStage } from './detect-stage.js';
import type { InitAccount, InitConfig } from './init-config.js';
import { permissionSetRank, type SsoOrganization } from './sso-organization.js';

/**
 * The crossbar.yaml content for what an SSO sign-in is granted: one SSO source, every account with `source:` it
 * and one role per permission set (`roles: { readonly: { permission_set: ReadOnlyAccess } }`), the least
 * privileged first, so that an account's default role (its first) is the read-only one. Names, stages and
 * colours as `--from-organization` makes them; OUs and tags where Organizations could be read.
 */
export interface SsoToConfigOptions {
  sourceName: string;
  startUrl: string;
  region: string;
  /** The sso-session name, when it is not the source's name. */
  session?: string | undefined;
  namespace?: string | undefined;
}

const WELL_KNOWN: Record<string, string> = {
  administrator: 'admin',
  admin: 'admin',
  readonly: 'readonly',
  viewonly: 'viewonly',
  poweruser: 'poweruser',
  billing: 'billing',
  securityaudit: 'audit',
};

/** A role key for a permission set: `AdministratorAccess` → admin, `ReadOnlyAccess` → readonly, `DataScientist` → data-scientist. */
export function permissionSetKey(set: string): string {
  const core = set.replace(/^AWS(?=[A-Z])/, '').replace(/Access$/, '') || set;
  const known = WELL_KNOWN[core.toLowerCase()];
  if (known) return known;
  return (
    core
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || set.toLowerCase()
  );
}

function rolesOf(sets: readonly string[]): Record<string, { permission_set: string }> {
  const ordered = [...sets].sort((a, b) => permissionSetRank(a) - permissionSetRank(b) || a.localeCompare(b));
  const roles: Record<string, { permission_set: string }> = {};
  for (const set of ordered) {
    let key = permissionSetKey(set);
    for (let n = 2; Object.hasOwn(roles, key); n += 1) key = `${permissionSetKey(set)}-${n}`;
    roles[key] = { permission_set: set };
  }
  return roles;
}

export function ssoToConfig(
  assignments: readonly SsoAssignment[],
  org: SsoOrganization,
  options: SsoToConfigOptions,
): InitConfig {
  const accounts = uniqueNames(
    assignments
      .filter((a) => a.permissionSets.length > 0)
      .map((a): InitAccount => {
        const known = org.accounts.get(a.accountId);
        const awsName = a.accountName ?? known?.name ?? a.accountId;
        const tags = known?.tags ?? {};
        const stage = known?.stage ?? detectStage(awsName, tags);
        const color = known?.color ?? colorFromTags(tags);
        return {
          id: a.accountId,
          name: toAccountName(awsName, a.accountId),
          ...(stage ? { stage } : {}),
          ...(color ? { color } : {}),
          ...(known?.ou ? { ou: known.ou } : {}),
          ...(Object.keys(tags).length > 0 ? { tags } : {}),
          source: options.sourceName,
          roles: rolesOf(a.permissionSets),
          ...(known?.management ? { comment: 'the management account of the organization' } : {}),
        };
      }),
  );
  const sso = {
    start_url: options.startUrl,
    region: options.region,
    ...(options.session && options.session !== options.sourceName ? { session: options.session } : {}),
  };
  return {
    ...(options.namespace ? { organization: { name: options.namespace, namespace: options.namespace } } : {}),
    sources: { [options.sourceName]: { sso } },
    accounts,
  };
}
