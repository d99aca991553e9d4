import { CrossbarError } from '../errors.js';
import { colorForStage } from '../stage-colors.js';
import { closest } from '../suggest.js';
import { assignSources, DEFAULT_SOURCE, defaultSourceOf, sourceConfigs } from './assign-sources.js';

export { colorForStage } from '../stage-colors.js';
export { DEFAULT_SOURCE } from './assign-sources.js';
import type { AccountConfig, Config, NamedSourceConfig, RoleConfig, SourceConfig } from './schema.js';

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
  /**
   * An SSO role: its credentials come from the account's SSO source (GetRoleCredentials for this permission set),
   * never from AssumeRole. `name` is the permission set too, and `arn` names AWS's role for it without its hash
   * (`…:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_<set>`): for messages and cache keys, not for STS.
   */
  permissionSet?: string;
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
  /** The name of the source this account is reached from (`default` is the unnamed `source:`). */
  source: string;
}

/** An SSO source's settings, resolved: `session` defaults to the source's name. */
export interface SsoSourceConfig {
  startUrl: string;
  /** Identity Center's region (SSO OIDC and the portal). */
  region: string;
  session: string;
  /** The hub: the account and permission set whose session assumes plain roles. */
  account?: string;
  role?: string;
}

interface RegistrySourceBase {
  /** `default` for the unnamed `source:`, else its key under `sources:`. */
  name: string;
  /** The region its STS calls go to: its `region`, else the SSO region for SSO, else us-east-1. */
  region: string;
  /** The person's name for session names and SourceIdentity, when configured. */
  identity?: string;
  /** The selector of the accounts it serves (`sources.NAME.accounts`). */
  accounts?: string;
}

export interface IamRegistrySource extends RegistrySourceBase {
  kind: 'iam';
  profile?: string;
  mfaSerial?: string;
}

export interface SsoRegistrySource extends RegistrySourceBase {
  kind: 'sso';
  sso: SsoSourceConfig;
}

/** A source identity: an IAM identity (keys, a profile, the default credential chain) or an SSO sign-in. */
export type RegistrySource = IamRegistrySource | SsoRegistrySource;

export interface Registry {
  config: Config;
  namespace: string;
  accounts: RegistryAccount[];
  /** The region the default source signs in (STS, Cost Explorer, Organizations): its region, else us-east-1. */
  sourceRegion: string;
}

/**
 * Every source of a registry, `default` first (even when `source:` says nothing: it is then the default credential
 * chain). Read from the config each time (it is cheap), so a registry whose config was swapped stays true.
 */
export function registrySources(registry: Pick<Registry, 'config'>): RegistrySource[] {
  return sourceConfigs(registry.config).map(([name, source]) => resolveSource(name, source));
}

/** The name of the default source: `defaults.source`, else `source:` unless a lone named source stands in for it. */
export function defaultSourceName(registry: Pick<Registry, 'config'>): string {
  return defaultSourceOf(registry.config) ?? DEFAULT_SOURCE;
}

/** One source of a registry by name; an unknown name is UNKNOWN_SOURCE naming the defined ones. */
export function findSource(registry: Pick<Registry, 'config'>, name: string): RegistrySource {
  const sources = registrySources(registry);
  const found = sources.find((s) => s.name === name);
  if (found) return found;
  const names = sources.map((s) => s.name);
  const near = closest(name, names);
  throw new CrossbarError('UNKNOWN_SOURCE', `Unknown source '${name}': the sources are ${names.join(', ')}`, {
    hint: `${near ? `Did you mean '${near}'? ` : ''}Sources are defined under source: and sources: in crossbar.yaml`,
  });
}

export function resolveSource(name: string, source: SourceConfig | NamedSourceConfig): RegistrySource {
  const base = {
    name,
    ...(source.identity !== undefined ? { identity: source.identity } : {}),
    ...('accounts' in source && source.accounts !== undefined ? { accounts: source.accounts } : {}),
  };
  if (source.sso) {
    const { sso } = source;
    return {
      ...base,
      kind: 'sso',
      region: source.region ?? sso.region,
      sso: {
        startUrl: sso.start_url,
        region: sso.region,
        session: sso.session ?? name,
        ...(sso.account !== undefined ? { account: sso.account } : {}),
        ...(sso.role !== undefined ? { role: sso.role } : {}),
      },
    };
  }
  return {
    ...base,
    kind: 'iam',
    region: source.region ?? DEFAULT_REGION,
    ...(source.profile !== undefined ? { profile: source.profile } : {}),
    ...(source.mfa_serial !== undefined ? { mfaSerial: source.mfa_serial } : {}),
  };
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
  const permissionSet = role.permission_set;
  const name = permissionSet ?? role.name ?? role.arn?.split('/').pop() ?? key;
  const arn =
    role.arn ??
    (permissionSet !== undefined
      ? `arn:${partitionOf(undefined)}:iam::${account.id}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${permissionSet}`
      : `arn:${partitionOf(undefined)}:iam::${account.id}:role/${name}`);
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
    ...(permissionSet !== undefined ? { permissionSet } : {}),
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
  const assignment = assignSources(config);
  const [problem] = assignment.problems;
  if (problem)
    throw new CrossbarError(
      'CONFIG_INVALID',
      assignment.problems.map((p) => `${pathText(p.path)}: ${p.message}`).join('\n'),
      {
        hint: problem.message.includes('unknown source')
          ? 'Name a source defined in crossbar.yaml'
          : 'Fix crossbar.yaml',
      },
    );
  const sources = registrySources({ config });
  const accounts = config.accounts.map((a, i): RegistryAccount => {
    const sourceName = assignment.accounts[i] ?? DEFAULT_SOURCE;
    const source = sources.find((s) => s.name === sourceName);
    // From an SSO source without a hub, nothing can assume a plain role: the default role is then not implied.
    const implied = source?.kind !== 'sso' || source.sso.account !== undefined;
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
    const roles =
      !implied || configured.some((r) => r.name === fallback.name || r.key === fallback.key)
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
      source: sourceName,
      ...(a.alias ? { alias: a.alias } : {}),
      ...(a.stage ? { stage: a.stage } : {}),
      ...(a.ou ? { ou: a.ou } : {}),
    };
  });
  checkProfileCollisions(accounts, config.defaults.profile_pattern);
  const defaultSource = assignment.defaultSource ?? DEFAULT_SOURCE;
  const sourceRegion = sources.find((s) => s.name === defaultSource)?.region ?? DEFAULT_REGION;
  return { config, namespace, accounts, sourceRegion };
}

function pathText(path: readonly (string | number)[]): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${k}`)).join('');
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
