import { parseArn, type Arn } from '../arn.js';
import { detectStage } from './detect-stage.js';
import type { InitAccount, InitConfig, InitRole } from './init-config.js';
import { parseAwsConfig, type ConfigSection } from './parse-aws-config.js';
import { placeProfilesByIdentity } from './place-profiles.js';
import { identityRoots, liftSource, mostCommon } from './lift-source.js';

/** A role profile found in the file, and where it went in crossbar.yaml. */
export interface ImportedProfile {
  profile: string;
  line: number;
  accountId: string;
  account: string;
  role: string;
}

/** A profile (or section) that was not imported, and why. */
export interface SkippedProfile {
  profile: string;
  line: number;
  reason: string;
}

export interface AwsConfigImport {
  config: InitConfig;
  imported: ImportedProfile[];
  skipped: SkippedProfile[];
  /** Things the user should know: settings that could not be carried over. */
  notes: string[];
}

/** One role profile, read and checked: an IAM role (role_arn), or an SSO profile's permission set in an account. */
export interface RoleProfile {
  section: ConfigSection;
  /** The role's ARN; for an SSO profile, its account and permission set as `…:role/<sso_role_name>`. */
  arn: Arn;
  values: Record<string, string>;
  /** An SSO profile: the session it signs in with (its [sso-session] section, or the legacy keys of the profile). */
  sso?: { session: string; startUrl: string; region: string; permissionSet: string };
}

const MIN_DURATION = 900;
const MAX_DURATION = 43_200;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const PERMISSION_SET = /^[\w+=,.@-]{1,32}$/;

/** An SSO profile (`sso_account_id`, `sso_role_name`, and `sso_session` or the legacy `sso_start_url`/`sso_region`). */
function readSsoProfile(section: ConfigSection, sections: readonly ConfigSection[]): RoleProfile | SkippedProfile {
  const skip = (reason: string): SkippedProfile => ({ profile: section.name, line: section.line, reason });
  const v = section.values;
  const account = v['sso_account_id'] ?? '';
  const set = v['sso_role_name'];
  if (!/^\d{12}$/.test(account)) return skip(`an SSO profile whose sso_account_id '${account}' is not a 12-digit id`);
  if (set === undefined || !PERMISSION_SET.test(set))
    return skip(`an SSO profile without a permission set name (sso_role_name '${set ?? ''}')`);
  const sessionName = v['sso_session'];
  const session =
    sessionName === undefined ? undefined : sections.find((s) => s.kind === 'sso-session' && s.name === sessionName);
  if (sessionName !== undefined && !session)
    return skip(`an SSO profile whose sso_session '${sessionName}' has no [sso-session ${sessionName}] section`);
  const startUrl = session?.values['sso_start_url'] ?? v['sso_start_url'];
  const region = session?.values['sso_region'] ?? v['sso_region'];
  if (startUrl === undefined || !/^https?:\/\/\S+$/.test(startUrl))
    return skip(`an SSO profile without a start URL (sso_start_url '${startUrl ?? ''}')`);
  if (region === undefined || !REGION.test(region))
    return skip(`an SSO profile without Identity Center's region (sso_region '${region ?? ''}')`);
  // A legacy profile (no sso-session) names its session after the start URL's host, as one sign-in serves it.
  const legacy = new URL(startUrl).hostname.split('.')[0] ?? 'sso';
  return {
    section,
    arn: parseArn(`arn:aws:iam::${account}:role/${set}`),
    values: v,
    sso: { session: sessionName ?? legacy, startUrl, region, permissionSet: set },
  };
}

function readRoleProfile(section: ConfigSection, sections: readonly ConfigSection[]): RoleProfile | SkippedProfile {
  const skip = (reason: string): SkippedProfile => ({ profile: section.name, line: section.line, reason });
  const roleArn = section.values['role_arn'];
  if (roleArn === undefined) {
    if (section.values['sso_account_id'] !== undefined) return readSsoProfile(section, sections);
    return skip('not a role profile (no role_arn): a source of credentials, or other settings');
  }
  let arn: Arn;
  try {
    arn = parseArn(roleArn);
  } catch {
    return skip(`role_arn '${roleArn}' is not a valid ARN`);
  }
  if (arn.service !== 'iam' || arn.resourceType !== 'role' || !/^\d{12}$/.test(arn.accountId))
    return skip(`role_arn '${roleArn}' is not an IAM role ARN`);
  const duration = section.values['duration_seconds'];
  if (
    duration !== undefined &&
    !(/^\d+$/.test(duration) && Number(duration) >= MIN_DURATION && Number(duration) <= MAX_DURATION)
  ) {
    return skip(`duration_seconds '${duration}' must be a whole number from ${MIN_DURATION} to ${MAX_DURATION}`);
  }
  return { section, arn, values: section.values };
}

function isSkipped(value: RoleProfile | SkippedProfile): value is SkippedProfile {
  return 'reason' in value;
}

/** The role as crossbar.yaml writes it: a plain name when the ARN is the usual one, else the ARN itself. */
function roleOf(p: RoleProfile, via: string | undefined): InitRole {
  if (p.sso) return { permission_set: p.sso.permissionSet };
  const plain = p.arn.partition === 'aws' && p.arn.resource === `role/${p.arn.resourceName}`;
  const external = p.values['external_id'];
  const duration = p.values['duration_seconds'];
  return {
    ...(plain
      ? { name: p.arn.resourceName }
      : { arn: `arn:${p.arn.partition}:iam::${p.arn.accountId}:${p.arn.resource}` }),
    ...(external ? { external_id: external } : {}),
    ...(p.values['mfa_serial'] ? { mfa: 'required' as const } : {}),
    ...(duration ? { duration: Number(duration) } : {}),
    ...(via ? { via } : {}),
  };
}

/**
 * Imports the role profiles of an existing `~/.aws/config` (seeds 003 and 004): each becomes a role of an
 * account, named from the profile's labels; the common `source_profile` and `mfa_serial` become `source:`.
 * Several profiles on the same account and role under different names (seed 003's single-account "virtual
 * root") stay several accounts with the same id: each stage keeps its own entry.
 */
export function importAwsConfig(text: string, path: string): AwsConfigImport {
  const sections = parseAwsConfig(text, path);
  const { roleProfiles, skipped } = sortSections(sections);
  // One account reached from two identities stays two entries: each is reached from its own source.
  const roots = identityRoots(roleProfiles);
  const mainRoot = mostCommon([...roots.values()].filter((r) => r !== 'none'));
  const identityOf = (p: RoleProfile) => {
    const root = roots.get(p.section.name) ?? 'none';
    return root === 'none' ? (mainRoot ?? root) : root;
  };
  const { namespace, groups, where } = placeProfilesByIdentity(roleProfiles, identityOf, mainRoot);
  const lifted = liftSource(sections, roleProfiles, where);

  const accounts = groups.map((g): InitAccount => {
    const roles = Object.fromEntries(
      g.roles.map((r) => [r.key, roleOf(r.profile, lifted.via.get(r.profile.section.name))]),
    );
    const stage = detectStage(g.name);
    const regions = lifted.regions.get(g.name);
    const first = g.roles[0]?.profile.section.name;
    const source = first === undefined ? undefined : lifted.sourceOf.get(first);
    return {
      id: g.id,
      name: g.name,
      ...(stage ? { stage } : {}),
      ...(regions ? { regions } : {}),
      ...(source !== undefined && source !== 'default' ? { source } : {}),
      roles,
    };
  });
  const imported = roleProfiles.map((p): ImportedProfile => {
    const at = where.get(p.section.name);
    return {
      profile: p.section.name,
      line: p.section.line,
      accountId: p.arn.accountId,
      account: at?.account ?? '',
      role: at?.key ?? '',
    };
  });
  // The most used role key becomes defaults.role, so the registry adds no extra default role beside it.
  const defaultRole = mostCommon(imported.map((i) => i.role));
  const defaults = {
    ...(defaultRole ? { role: defaultRole } : {}),
    ...(lifted.defaultRegions ? { regions: lifted.defaultRegions } : {}),
  };
  const ns = namespace !== undefined && /^[a-z0-9-]+$/.test(namespace) ? namespace : undefined;
  // What became a source is not "skipped": the source profiles, and the [sso-session] sections in use.
  const becameSource = new Map<string, string>();
  if (lifted.source?.profile) becameSource.set(`profile ${lifted.source.profile}`, 'source.profile');
  for (const [name, named] of Object.entries(lifted.sources ?? {}))
    if (named.profile) becameSource.set(`profile ${named.profile}`, `sources.${name}.profile`);
  const sessions = new Set(roleProfiles.flatMap((p) => (p.sso ? [p.sso.session] : [])));
  return {
    config: {
      ...(ns ? { organization: { name: ns, namespace: ns } } : {}),
      ...(lifted.source ? { source: lifted.source } : {}),
      ...(lifted.sources ? { sources: lifted.sources } : {}),
      ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
      accounts,
    },
    imported,
    skipped: skipped
      .filter((s) => !(s.kind === 'sso-session' && sessions.has(s.profile)))
      .map(({ kind, ...s }) => {
        const became = becameSource.get(`${kind === 'sso-session' ? 'sso-session' : 'profile'} ${s.profile}`);
        return became ? { ...s, reason: `the source identity of the role profiles: it became ${became}` } : s;
      }),
    notes: lifted.notes,
  };
}

/** Role profiles to import; everything else (source profiles, SSO, sso-session, services) reported. */
function sortSections(sections: readonly ConfigSection[]): {
  roleProfiles: RoleProfile[];
  skipped: (SkippedProfile & { kind: ConfigSection['kind'] })[];
} {
  const skipped: (SkippedProfile & { kind: ConfigSection['kind'] })[] = [];
  const roleProfiles: RoleProfile[] = [];
  for (const section of sections) {
    if (section.kind === 'profile' || section.kind === 'default') {
      const read = readRoleProfile(section, sections);
      if (isSkipped(read)) skipped.push({ ...read, kind: section.kind });
      else roleProfiles.push(read);
      continue;
    }
    const reason =
      section.kind === 'other'
        ? `[${section.name}] is not a profile: profiles in ~/.aws/config are [profile NAME]`
        : `an [${section.kind} ${section.name}] section, not a profile`;
    skipped.push({ profile: section.name, line: section.line, reason, kind: section.kind });
  }
  return { roleProfiles, skipped };
}
