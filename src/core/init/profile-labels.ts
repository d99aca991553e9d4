/**
 * Reading account names and role keys out of profile names that follow a label pattern (seed 003):
 * `cpco-testing-admin` is namespace `cpco`, account `testing`, role `admin`. Seed 004's `demo-development-cobus`
 * is namespace `demo`, account `development`, and a suffix that is the user's name, not a role.
 */
export interface ProfileLabels {
  namespace?: string;
  /** One per input profile, in order. */
  names: { account: string; roleLabel?: string }[];
}

const ROLE_WORDS: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'admins',
  'readonly',
  'ro',
  'rw',
  'read',
  'write',
  'poweruser',
  'power',
  'viewer',
  'view',
  'billing',
  'audit',
  'auditor',
  'security',
  'ops',
  'operator',
  'developer',
  'deploy',
  'deployer',
  'terraform',
  'ci',
  'breakglass',
  'owner',
  'full',
  'role',
]);

/** A role key short enough for a profile name: `administrator` → admin, `CrossbarReadOnly` → readonly. */
export function shortRoleKey(roleName: string): string {
  const lower = roleName.toLowerCase();
  if (lower === 'organizationaccountaccessrole') return 'org-access';
  if (lower.includes('admin')) return 'admin';
  if (/read[-_.]?only|viewer|view[-_.]?only/.test(lower)) return 'readonly';
  if (/power[-_.]?user/.test(lower)) return 'power';
  return (
    roleName
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'role'
  );
}

/** Does this last label name the role (its name, a word of it, or a usual role word)? */
export function isRoleLabel(label: string, roleName: string): boolean {
  const l = label.toLowerCase();
  const role = roleName.toLowerCase();
  if (l === role || ROLE_WORDS.has(l) || l === shortRoleKey(roleName)) return true;
  return role.split(/[^a-z0-9]+/).includes(l);
}

function commonFirstLabel(labelLists: string[][]): string | undefined {
  if (labelLists.length < 2 || labelLists.some((l) => l.length < 2)) return undefined;
  const first = labelLists[0]?.[0];
  if (first === undefined || !/^[a-z0-9]+$/.test(first)) return undefined;
  return labelLists.every((l) => l[0] === first) ? first : undefined;
}

/**
 * Splits profile names into namespace, account and role label. A namespace is a first label shared by every
 * profile (two or more); a suffix is stripped when all profiles share it or when it names the profile's role.
 */
export function analyzeProfileNames(profiles: readonly { profile: string; roleName: string }[]): ProfileLabels {
  const labels = profiles.map((p) => p.profile.split('-'));
  const namespace = commonFirstLabel(labels);
  const rests = labels.map((l) => (namespace === undefined ? l : l.slice(1)));
  const lastLabels = rests.map((r) => (r.length >= 2 ? r[r.length - 1] : undefined));
  const sharedSuffix =
    profiles.length >= 2 && lastLabels.every((l) => l !== undefined && l === lastLabels[0]) ? lastLabels[0] : undefined;
  const names = profiles.map((p, i) => {
    const rest = rests[i] ?? [];
    const last = lastLabels[i];
    const roleLike = last !== undefined && isRoleLabel(last, p.roleName);
    if (last === undefined || (sharedSuffix === undefined && !roleLike))
      return { account: rest.join('-') || p.profile };
    return { account: rest.slice(0, -1).join('-'), ...(roleLike ? { roleLabel: last.toLowerCase() } : {}) };
  });
  return { ...(namespace !== undefined ? { namespace } : {}), names };
}
