import { CrossbarError } from '../errors.js';
import { colorForStage } from '../stage-colors.js';

export { colorForStage } from '../stage-colors.js';
import type { AccountConfig, Config, RoleConfig } from './schema.js';

/**
 * The account registry: the config resolved into what commands use. Defaults applied, colours by stage
 * (seed 004: dev green, staging yellow, prod red), each role with its ARN, and profile names by the
 * label pattern (seed 003), checked for collisions.
 */
export interface RegistryRole {
  /** The key under `roles:` (admin, readonly…) or the role name for the default role. */
  key: string;
  name: string;
  arn: string;
  externalId?: string;
  mfa: 'required' | 'optional' | 'none';
  duration?: number;
  confirm: boolean;
  via?: string;
  profileName: string;
  /**
   * Not listed under the account's `roles:`: the default role by name, or one named on the command line. In the
   * source's own account such a role is not assumed: the source identity reaches its own account as it is.
   */
  implicit?: boolean;
}

export interface RegistryAccount {
  id: string;
  name: string;
  alias?: string;
  stage?: string;
  color: string;
  tags: Record<string, string>;
  ou?: string;
  regions: string[];
  roles: RegistryRole[];
  /** The role used when a target names none: the first configured role, or defaults.role. */
  defaultRole: RegistryRole;
}

export interface Registry {
  config: Config;
  namespace: string;
  accounts: RegistryAccount[];
  /** The region the source signs in (STS, Cost Explorer, Organizations): `source.region`, else us-east-1. */
  sourceRegion: string;
}

/** AWS's own default region, where global services answer: the one place crossbar falls back to a region. */
export const DEFAULT_REGION = 'us-east-1';

/** The region an account's single-region calls go to: its first configured region. */
export function homeRegion(account: Pick<RegistryAccount, 'regions'>): string {
  return account.regions[0] ?? DEFAULT_REGION;
}

function partitionOf(accountArn: string | undefined): string {
  return accountArn?.split(':')[1] ?? 'aws';
}

/** `{namespace}-{name}-{role}` with {namespace} {name} {id} {alias} {stage} {role} {role_name}. */
export function renderProfileName(pattern: string, vars: Record<string, string | undefined>): string {
  return pattern
    .replace(/\{(\w+)\}/g, (_, key: string) => vars[key] ?? '')
    .replace(/--+/g, '-')
    .replace(/^-|-$/g, '');
}

function resolveRole(
  key: string,
  role: RoleConfig,
  account: AccountConfig,
  config: Config,
  namespace: string,
): RegistryRole {
  const name = role.name ?? role.arn?.split('/').pop() ?? key;
  const arn = role.arn ?? `arn:${partitionOf(undefined)}:iam::${account.id}:role/${name}`;
  const externalId = role.external_id ?? account.external_id;
  const duration = role.duration ?? config.defaults.duration;
  return {
    key,
    name,
    arn,
    mfa: role.mfa,
    confirm: role.confirm,
    ...(externalId ? { externalId } : {}),
    ...(duration ? { duration } : {}),
    ...(role.via ? { via: role.via } : {}),
    profileName: renderProfileName(config.defaults.profile_pattern, {
      namespace,
      name: account.name,
      id: account.id,
      alias: account.alias,
      stage: account.stage,
      role: key,
      role_name: name,
    }),
  };
}

export function buildRegistry(config: Config): Registry {
  const namespace = config.organization?.namespace ?? config.organization?.name ?? 'crossbar';
  const accounts = config.accounts.map((a): RegistryAccount => {
    const configured = Object.entries(a.roles).map(([key, role]) => resolveRole(key, role, a, config, namespace));
    const fallback: RegistryRole = {
      ...resolveRole(
        config.defaults.role,
        { name: config.defaults.role, mfa: 'none', confirm: false },
        a,
        config,
        namespace,
      ),
      implicit: true,
    };
    // The default role is always reachable by name even when other roles are configured.
    const roles = configured.some((r) => r.name === fallback.name || r.key === fallback.key)
      ? configured
      : [fallback, ...configured];
    const defaultRole =
      roles.find((r) => r.name === config.defaults.role || r.key === config.defaults.role) ?? roles[0] ?? fallback;
    return {
      id: a.id,
      name: a.name,
      color: a.color ?? colorForStage(a.stage),
      tags: a.tags,
      regions: a.regions ?? config.defaults.regions,
      roles,
      defaultRole,
      ...(a.alias ? { alias: a.alias } : {}),
      ...(a.stage ? { stage: a.stage } : {}),
      ...(a.ou ? { ou: a.ou } : {}),
    };
  });
  checkProfileCollisions(accounts, config.defaults.profile_pattern);
  return { config, namespace, accounts, sourceRegion: config.source.region ?? DEFAULT_REGION };
}

function checkProfileCollisions(accounts: RegistryAccount[], pattern: string): void {
  const seen = new Map<string, string>();
  const clashes: string[] = [];
  for (const a of accounts) {
    for (const r of a.roles) {
      const who = `${a.name}:${r.key}`;
      const prior = seen.get(r.profileName);
      if (prior) clashes.push(`'${r.profileName}' from both ${prior} and ${who}`);
      else seen.set(r.profileName, who);
    }
  }
  if (clashes.length > 0) {
    throw new CrossbarError(
      'CONFIG_INVALID',
      `defaults.profile_pattern '${pattern}' gives two profiles the same name: ${clashes.slice(0, 3).join('; ')}${clashes.length > 3 ? ` and ${clashes.length - 3} more` : ''}`,
      {
        hint: 'Include {name} (or {id}) and {role} in the pattern, e.g. {namespace}-{name}-{role}',
      },
    );
  }
}
