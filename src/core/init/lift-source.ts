import { SOURCE_NAME, sourceSchema } from '../config/schema.js';
import type { InitConfig } from './init-config.js';
import type { ConfigSection } from './parse-aws-config.js';
import type { RoleProfile } from './import-aws-config.js';

/**
 * What role profiles share moves up to the sources and `defaults:`. Role profiles are grouped by the identity they
 * start from (the `source_profile` at the root of their chain, or their SSO session): each identity becomes a
 * source with its own profile, MFA device, region and session name, so that one identity's MFA device is never
 * paired with another's keys (a config mixing seed 004's `demo-master-cobus` and seed 003's `cpco`). The identity
 * with the most role profiles is `source:` (the default); each other one is a named source under `sources:`, and
 * its accounts say `source: NAME`. A `source_profile` that is itself an imported role profile is a role chain,
 * kept as `via`. What crossbar.yaml cannot say is returned as notes rather than dropped in silence.
 */
export interface LiftedSource {
  source?: NonNullable<InitConfig['source']>;
  sources?: NonNullable<InitConfig['sources']>;
  /** Profile → the name of its source (`default` for `source:`). */
  sourceOf: Map<string, string>;
  defaultRegions?: string[];
  /** Account name → regions, for accounts whose profiles use regions other than the default one. */
  regions: Map<string, string[]>;
  /** Profile → `via` of its role. */
  via: Map<string, string>;
  notes: string[];
}

const isRegion = (r: string): boolean => sourceSchema.shape.region.safeParse(r).success;

/** The most frequent value, the first seen winning ties; undefined for none. */
export function mostCommon(values: readonly (string | undefined)[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** Each role profile's identity (see rootOf), by profile name. */
export function identityRoots(profiles: readonly RoleProfile[]): Map<string, string> {
  const byName = new Map(profiles.map((p) => [p.section.name, p]));
  return new Map(profiles.map((p) => [p.section.name, rootOf(p, byName)]));
}

/** The identity a role profile starts from: `sso:SESSION`, `profile:NAME` (the root source_profile), or `none`. */
function rootOf(profile: RoleProfile, byName: ReadonlyMap<string, RoleProfile>): string {
  let current = profile;
  for (let depth = 0; depth < 16; depth += 1) {
    if (current.sso) return `sso:${current.sso.session}`;
    const parent = current.values['source_profile'];
    if (parent === undefined) return 'none';
    const next = byName.get(parent);
    if (!next) return `profile:${parent}`;
    current = next;
  }
  return 'none';
}

/** A source name from a profile or session name, unique among `taken`, never `default`. */
function sourceName(raw: string, taken: Set<string>): string {
  const slug =
    raw
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[^a-z0-9]+|-+$/g, '') || 'source';
  let name = slug === 'default' ? 'default-profile' : slug;
  for (let n = 2; taken.has(name) || !SOURCE_NAME.test(name); n += 1) name = `${slug}-${n}`;
  taken.add(name);
  return name;
}

interface Group {
  root: string;
  profiles: RoleProfile[];
}

export function liftSource(
  sections: readonly ConfigSection[],
  profiles: readonly RoleProfile[],
  where: ReadonlyMap<string, { account: string; key: string }>,
): LiftedSource {
  const notes: string[] = [];
  const via = new Map<string, string>();
  for (const p of profiles) {
    const parent = p.sso ? undefined : p.values['source_profile'];
    const target = parent === undefined ? undefined : where.get(parent);
    const self = where.get(p.section.name);
    if (target && self)
      via.set(p.section.name, target.account === self.account ? target.key : `${target.account}:${target.key}`);
  }

  // Profiles by the identity they start from; a role profile with no source at all goes with the main identity.
  const byName = new Map(profiles.map((p) => [p.section.name, p]));
  const groups: Group[] = [];
  const unrooted: RoleProfile[] = [];
  for (const p of profiles) {
    const root = rootOf(p, byName);
    if (root === 'none') {
      unrooted.push(p);
      continue;
    }
    const group = groups.find((g) => g.root === root);
    if (group) group.profiles.push(p);
    else groups.push({ root, profiles: [p] });
  }
  const main = groups.reduce<Group | undefined>(
    (best, g) => (best === undefined || g.profiles.length > best.profiles.length ? g : best),
    undefined,
  );
  if (main) main.profiles.push(...unrooted);
  else if (unrooted.length > 0) groups.push({ root: 'none', profiles: [...unrooted] });
  const ordered = main ? [main, ...groups.filter((g) => g !== main)] : groups;

  const credentialSources = profiles
    .filter((p) => p.values['credential_source'] !== undefined)
    .map((p) => p.section.name);
  if (credentialSources.length > 0)
    notes.push(
      `credential_source of ${credentialSources.join(', ')} is not carried over: crossbar starts from the SDK's default chain when source.profile is unset`,
    );

  const regionOf = (p: RoleProfile) => {
    const r = p.values['region'];
    if (r !== undefined && !isRegion(r))
      notes.push(`region '${r}' of profile ${p.section.name} is not a region name; ignored`);
    return r !== undefined && isRegion(r) ? r : undefined;
  };
  const profileRegions = new Map(profiles.map((p) => [p.section.name, regionOf(p)]));

  const sourceOf = new Map<string, string>();
  const taken = new Set<string>(['default']);
  const named: NonNullable<InitConfig['sources']> = {};
  let source: NonNullable<InitConfig['source']> | undefined;
  let mainSourceRegion: string | undefined;
  for (const group of ordered) {
    const isMain = group === ordered[0];
    const name = isMain ? 'default' : sourceName(group.root.replace(/^(sso|profile):/, ''), taken);
    const lifted = liftGroup(group, sections, notes, isMain ? 'source' : `sources.${name}`);
    for (const p of group.profiles) sourceOf.set(p.section.name, name);
    if (isMain) {
      mainSourceRegion = lifted.region;
      if (Object.keys(lifted.settings).length > 0) source = lifted.settings;
    } else named[name] = lifted.settings;
  }

  // Role profiles do not inherit the source profile's region in the AWS CLI, but it says where the person works.
  const defaultRegion = mostCommon([...profileRegions.values()]) ?? mainSourceRegion;
  // Per account, the regions its profiles name; a profile without one uses the default region.
  const byAccount = new Map<string, Set<string>>();
  for (const [name, region] of profileRegions) {
    const account = where.get(name)?.account;
    const r = region ?? defaultRegion;
    if (account === undefined || r === undefined) continue;
    byAccount.set(account, (byAccount.get(account) ?? new Set<string>()).add(r));
  }
  const regions = new Map<string, string[]>();
  for (const [account, set] of byAccount)
    if (!(set.size === 1 && set.has(defaultRegion ?? ''))) regions.set(account, [...set]);
  return {
    ...(source ? { source } : {}),
    ...(Object.keys(named).length > 0 ? { sources: named } : {}),
    sourceOf,
    ...(defaultRegion ? { defaultRegions: [defaultRegion] } : {}),
    regions,
    via,
    notes,
  };
}

/** One identity's source settings: its profile (or SSO session), its own MFA device, region and session name. */
function liftGroup(
  group: Group,
  sections: readonly ConfigSection[],
  notes: string[],
  /** Where its settings go: `source` or `sources.NAME`. */
  at: string,
): { settings: NonNullable<InitConfig['source']>; region: string | undefined } {
  const { profiles } = group;
  const sso = profiles.find((p) => p.sso)?.sso;
  const profile = group.root.startsWith('profile:') ? group.root.slice('profile:'.length) : undefined;
  const section = profile === undefined ? undefined : sections.find((s) => s.kind !== 'other' && s.name === profile);

  // The MFA device of this identity: the one its role profiles name, else the source profile's own.
  const serials = profiles.map((p) => p.values['mfa_serial']);
  const serial = mostCommon(serials) ?? section?.values['mfa_serial'];
  const serialOk = serial !== undefined && sourceSchema.shape.mfa_serial.safeParse(serial).success;
  if (serial !== undefined && !serialOk)
    notes.push(`mfa_serial '${serial}' is not an MFA device ARN: set ${at}.mfa_serial by hand`);
  const otherSerials = [...new Set(serials.filter((s) => s !== undefined && s !== serial))];
  if (otherSerials.length > 0)
    notes.push(`mfa_serial ${otherSerials.join(', ')} not carried over: ${at} uses one MFA device, '${serial ?? ''}'`);
  if (sso && serial !== undefined)
    notes.push(`mfa_serial of SSO profiles is not carried over: IAM Identity Center asks for MFA at sign-in`);

  const sessionNames = [...new Set(profiles.map((p) => p.values['role_session_name']))];
  const identity = sessionNames.length === 1 ? sessionNames[0] : undefined;
  if (sessionNames.length > 1)
    notes.push(
      `role_session_name differs between profiles: set ${at}.identity by hand (crossbar puts the human's name in every session name)`,
    );
  const region = section?.values['region'];
  const regionOk = region !== undefined && isRegion(region) ? region : undefined;
  if (sso) {
    return {
      settings: {
        sso: {
          start_url: sso.startUrl,
          region: sso.region,
          // The AWS tools' session name: crossbar's sign-in and theirs then share one name (and token cache).
          session: sso.session,
        },
        ...(identity ? { identity } : {}),
      },
      region: undefined,
    };
  }
  return {
    settings: {
      ...(profile ? { profile } : {}),
      ...(serialOk ? { mfa_serial: serial } : {}),
      ...(regionOk ? { region: regionOk } : {}),
      ...(identity ? { identity } : {}),
    },
    region: regionOk,
  };
}
