import { sourceSchema } from '../config/schema.js';
import type { InitConfig } from './init-config.js';
import type { ConfigSection } from './parse-aws-config.js';
import type { RoleProfile } from './import-aws-config.js';

/**
 * What role profiles share moves up to `source:` and `defaults:` (seed 004: every role profile names the same
 * `source_profile` and `mfa_serial`). A `source_profile` that is itself an imported role profile is a role
 * chain, kept as `via`. What crossbar.yaml cannot say is returned as notes rather than dropped in silence.
 */
export interface LiftedSource {
  source?: NonNullable<InitConfig['source']>;
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

export function liftSource(
  sections: readonly ConfigSection[],
  profiles: readonly RoleProfile[],
  where: ReadonlyMap<string, { account: string; key: string }>,
): LiftedSource {
  const notes: string[] = [];
  const via = new Map<string, string>();
  for (const p of profiles) {
    const parent = p.values['source_profile'];
    const target = parent === undefined ? undefined : where.get(parent);
    const self = where.get(p.section.name);
    if (target && self)
      via.set(p.section.name, target.account === self.account ? target.key : `${target.account}:${target.key}`);
  }

  const sourceProfiles = profiles
    .map((p) => p.values['source_profile'])
    .filter((s) => s !== undefined && !where.has(s));
  const profile = mostCommon(sourceProfiles);
  const others = [...new Set(sourceProfiles)].filter((s) => s !== profile);
  if (others.length > 0)
    notes.push(
      `source_profile ${others.join(', ')} ${others.length === 1 ? 'is' : 'are'} not carried over: crossbar uses one source, '${profile ?? ''}'`,
    );
  const credentialSources = profiles
    .filter((p) => p.values['credential_source'] !== undefined)
    .map((p) => p.section.name);
  if (credentialSources.length > 0)
    notes.push(
      `credential_source of ${credentialSources.join(', ')} is not carried over: crossbar starts from the SDK's default chain when source.profile is unset`,
    );

  const serials = profiles.map((p) => p.values['mfa_serial']);
  const serial = mostCommon(serials);
  const serialOk = serial !== undefined && sourceSchema.shape.mfa_serial.safeParse(serial).success;
  if (serial !== undefined && !serialOk)
    notes.push(`mfa_serial '${serial}' is not an MFA device ARN: set source.mfa_serial by hand`);
  const otherSerials = [...new Set(serials.filter((s) => s !== undefined && s !== serial))];
  if (otherSerials.length > 0)
    notes.push(
      `mfa_serial ${otherSerials.join(', ')} not carried over: crossbar uses one MFA device, '${serial ?? ''}'`,
    );

  const sessionNames = [...new Set(profiles.map((p) => p.values['role_session_name']))];
  const identity = sessionNames.length === 1 ? sessionNames[0] : undefined;
  if (sessionNames.length > 1)
    notes.push(
      "role_session_name differs between profiles: set source.identity by hand (crossbar puts the human's name in every session name)",
    );

  const sourceRegion =
    profile === undefined
      ? undefined
      : sections.find((s) => s.kind !== 'other' && s.name === profile)?.values['region'];
  const source = {
    ...(profile ? { profile } : {}),
    ...(serialOk ? { mfa_serial: serial } : {}),
    ...(sourceRegion && isRegion(sourceRegion) ? { region: sourceRegion } : {}),
    ...(identity ? { identity } : {}),
  };

  const regionOf = (p: RoleProfile) => {
    const r = p.values['region'];
    if (r !== undefined && !isRegion(r))
      notes.push(`region '${r}' of profile ${p.section.name} is not a region name; ignored`);
    return r !== undefined && isRegion(r) ? r : undefined;
  };
  const profileRegions = new Map(profiles.map((p) => [p.section.name, regionOf(p)]));
  // Role profiles do not inherit the source profile's region in the AWS CLI, but it says where the person works.
  const defaultRegion =
    mostCommon([...profileRegions.values()]) ?? (sourceRegion && isRegion(sourceRegion) ? sourceRegion : undefined);
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
    ...(Object.keys(source).length > 0 ? { source } : {}),
    ...(defaultRegion ? { defaultRegions: [defaultRegion] } : {}),
    regions,
    via,
    notes,
  };
}
