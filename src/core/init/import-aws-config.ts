import { parseArn, type Arn } from '../arn.js';
import { detectStage } from './detect-stage.js';
import type { InitAccount, InitConfig, InitRole } from './init-config.js';
import { parseAwsConfig, type ConfigSection } from './parse-aws-config.js';
import { placeProfiles } from './place-profiles.js';
import { liftSource, mostCommon } from './lift-source.js';

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

/** One role profile, read and checked. */
export interface RoleProfile {
  section: ConfigSection;
  arn: Arn;
  values: Record<string, string>;
}

const MIN_DURATION = 900;
const MAX_DURATION = 43_200;

function readRoleProfile(section: ConfigSection): RoleProfile | SkippedProfile {
  const skip = (reason: string): SkippedProfile => ({ profile: section.name, line: section.line, reason });
  const roleArn = section.values['role_arn'];
  if (roleArn === undefined) {
    return skip(
      section.values['sso_account_id']
        ? 'an SSO profile (no role_arn)'
        : 'not a role profile (no role_arn): a source of credentials, or other settings',
    );
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
  const { namespace, groups, where } = placeProfiles(roleProfiles);
  const lifted = liftSource(sections, roleProfiles, where);

  const accounts = groups.map((g): InitAccount => {
    const roles = Object.fromEntries(
      g.roles.map((r) => [r.key, roleOf(r.profile, lifted.via.get(r.profile.section.name))]),
    );
    const stage = detectStage(g.name);
    const regions = lifted.regions.get(g.name);
    return { id: g.id, name: g.name, ...(stage ? { stage } : {}), ...(regions ? { regions } : {}), roles };
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
  const sourceProfile = lifted.source?.profile;
  return {
    config: {
      ...(ns ? { organization: { name: ns, namespace: ns } } : {}),
      ...(lifted.source ? { source: lifted.source } : {}),
      ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
      accounts,
    },
    imported,
    skipped: skipped.map((s) =>
      s.profile === sourceProfile
        ? { ...s, reason: 'the source identity of the role profiles: it became source.profile' }
        : s,
    ),
    notes: lifted.notes,
  };
}

/** Role profiles to import; everything else (source profiles, SSO, sso-session, services) reported. */
function sortSections(sections: readonly ConfigSection[]): { roleProfiles: RoleProfile[]; skipped: SkippedProfile[] } {
  const skipped: SkippedProfile[] = [];
  const roleProfiles: RoleProfile[] = [];
  for (const section of sections) {
    if (section.kind === 'profile' || section.kind === 'default') {
      const read = readRoleProfile(section);
      if (isSkipped(read)) skipped.push(read);
      else roleProfiles.push(read);
      continue;
    }
    const reason =
      section.kind === 'other'
        ? `[${section.name}] is not a profile: profiles in ~/.aws/config are [profile NAME]`
        : `an [${section.kind} ${section.name}] section, not a profile`;
    skipped.push({ profile: section.name, line: section.line, reason });
  }
  return { roleProfiles, skipped };
}
