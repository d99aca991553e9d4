import { toAccountName, uniqueNames } from './account-names.js';
import type { RoleProfile } from './import-aws-config.js';
import { analyzeProfileNames, shortRoleKey } from './profile-labels.js';

/** The role profiles of one crossbar.yaml account, each under its role key. */
export interface ProfileGroup {
  id: string;
  name: string;
  roles: { profile: RoleProfile; key: string }[];
}

export interface Placement {
  namespace?: string;
  groups: ProfileGroup[];
  /** Profile name → where it went. */
  where: Map<string, { account: string; key: string }>;
}

/**
 * Decides which account and role key each role profile becomes. Profiles are grouped by account name and id
 * together, so that one name on two ids (a clash, renamed apart) and one id under two names (seed 003's
 * virtual root, one entry per stage) both stay apart.
 */
export function placeProfiles(profiles: readonly RoleProfile[]): Placement {
  const labels = analyzeProfileNames(profiles.map((p) => ({ profile: p.section.name, roleName: p.arn.resourceName })));
  const byKey = new Map<string, ProfileGroup>();
  profiles.forEach((profile, i) => {
    const label = labels.names[i];
    const name = toAccountName(label?.account ?? profile.section.name, profile.arn.accountId);
    const groupKey = `${name} ${profile.arn.accountId}`;
    const group = byKey.get(groupKey) ?? { id: profile.arn.accountId, name, roles: [] };
    byKey.set(groupKey, group);
    group.roles.push({ profile, key: label?.roleLabel ?? shortRoleKey(profile.arn.resourceName) });
  });

  const groups = uniqueNames([...byKey.values()]).map((g) => ({ ...g, roles: uniqueKeys(g.roles) }));
  const where = new Map<string, { account: string; key: string }>();
  for (const g of groups) for (const r of g.roles) where.set(r.profile.section.name, { account: g.name, key: r.key });
  return { ...(labels.namespace !== undefined ? { namespace: labels.namespace } : {}), groups, where };
}

/**
 * placeProfiles per identity (the profiles of one source are labelled together: seed 004's `demo-*-cobus` and seed
 * 003's `cpco-*-admin` each lose their own prefix and suffix), merged with names unique across all. The namespace
 * is the first identity's (the main one, listed first).
 */
export function placeProfilesByIdentity(
  profiles: readonly RoleProfile[],
  identityOf: (profile: RoleProfile) => string,
  main?: string,
): Placement {
  const seen = [...new Set(profiles.map(identityOf))];
  const identities = main !== undefined && seen.includes(main) ? [main, ...seen.filter((i) => i !== main)] : seen;
  const placements = identities.map((id) => placeProfiles(profiles.filter((p) => identityOf(p) === id)));
  if (placements.length === 1 && placements[0]) return placements[0];
  const groups = uniqueNames(placements.flatMap((p) => p.groups));
  const where = new Map<string, { account: string; key: string }>();
  for (const g of groups) for (const r of g.roles) where.set(r.profile.section.name, { account: g.name, key: r.key });
  const namespace = placements[0]?.namespace;
  return { ...(namespace !== undefined ? { namespace } : {}), groups, where };
}

/** Two profiles of one account with the same label: the second is keyed by its role name, then numbered. */
function uniqueKeys(roles: readonly { profile: RoleProfile; key: string }[]): { profile: RoleProfile; key: string }[] {
  const used = new Set<string>();
  return roles.map((r) => {
    let key = used.has(r.key) ? shortRoleKey(r.profile.arn.resourceName) : r.key;
    for (let n = 2; used.has(key); n += 1) key = `${r.key}-${n}`;
    used.add(key);
    return { ...r, key };
  });
}
