import { CrossbarError } from '../errors.js';
import {
  defaultSourceName,
  findSource,
  homeRegion,
  type Registry,
  type RegistryAccount,
  type RegistryRole,
} from '../config/registry.js';
import { resolveRoleChain, CHAINED_MAX_SECONDS } from '../credentials/role-chain.js';
import { sanitizeSessionName } from '../credentials/session-name.js';
import { shellCommand } from './shell-quote.js';
import { ssoProfileSettings, ssoSessionSection, type SsoSessionSpec } from './sso-session-profiles.js';

/**
 * The `~/.aws/config` profiles for every account × role of the registry, named by `role.profileName` (the
 * label pattern of seed 003). Two modes:
 * - `credential-process`: the AWS tools call `crossbar credential-process ACCOUNT:ROLE`, so crossbar's cache,
 *   MFA session and role chains serve every SDK;
 * - `role-arn`: native profiles as in seeds 003 and 004 (`role_arn`, `source_profile`, `mfa_serial`,
 *   `external_id`, …), which the AWS tools resolve themselves. A chained role's `source_profile` is the profile
 *   of the role it goes through, which is how the AWS CLI chains.
 * Each section carries a `# crossbar:` comment with the account id so a later merge knows whose it is.
 */
export type AwsConfigMode = 'credential-process' | 'role-arn';

/**
 * How a permission-set role of an SSO source is written: `credential-process` (the default: crossbar serves it
 * like every other role) or `sso-session` (an `[sso-session]` section and a native profile with `sso_session`,
 * `sso_account_id`, `sso_role_name`: the AWS tools get the role credentials themselves with the token
 * `crossbar login` leaves in their cache). Other roles follow the mode.
 */
export type SsoStyle = 'credential-process' | 'sso-session';

export interface RenderProfilesOptions {
  mode: AwsConfigMode;
  /** role-arn mode: the profile holding the source identity's keys. Defaults to `source.profile`. */
  sourceProfile?: string;
  /** role-arn mode: the MFA device for roles with `mfa: required`. Defaults to `source.mfa_serial`. */
  mfaSerial?: string;
  /** credential-process mode: the program (a path) or the words of a command (`['node', '/x/crossbar.js']`). */
  crossbarCommand?: string | readonly string[];
  /** credential-process mode: passed as `--config PATH` so the profile works from any directory. */
  configPath?: string;
  /** Region for every profile; defaults to each account's first region. */
  region?: string;
  /** role-arn mode: RoleSessionName, so CloudTrail shows the human. Defaults to `source.identity`. */
  roleSessionName?: string;
  /** Permission-set roles: `credential-process` (default) or native `sso-session` profiles. */
  ssoStyle?: SsoStyle;
}

/** The marker comment written as the first line of every generated section. */
export function profileMarker(account: RegistryAccount, role: RegistryRole): string {
  return `# crossbar: account ${account.id} (${account.name}), role ${role.key}`;
}

/** JS SDK profile-name characters (its section regex); anything else is silently ignored there. */
const PROFILE_NAME = /^[\w\-@+.%:/]+$/;

export function renderProfiles(registry: Registry, options: RenderProfilesOptions): string {
  const sessions = new Map<string, SsoSessionSpec>();
  const sections = registry.accounts.flatMap((account) =>
    account.roles.map((role) => {
      // role_arn + source_profile cannot reach a permission set: role-arn mode writes those natively too.
      const native = options.ssoStyle === 'sso-session' || options.mode === 'role-arn';
      const sso = native ? ssoSessionOf(registry, account, role) : undefined;
      if (sso) sessions.set(sso.session, sso);
      return renderSection(registry, account, role, options, sso);
    }),
  );
  const sessionSections = [...sessions.values()].map((spec) => ssoSessionSection(spec).join('\n'));
  const all = [...sessionSections, ...sections];
  return all.length === 0 ? '' : `${all.join('\n\n')}\n`;
}

/** The sso-session a permission-set role of an SSO source is written with; undefined for any other role. */
export function ssoSessionOf(
  registry: Registry,
  account: RegistryAccount,
  role: RegistryRole,
): SsoSessionSpec | undefined {
  if (role.permissionSet === undefined) return undefined;
  const source = findSource(registry, account.source);
  if (source.kind !== 'sso') return undefined;
  return { session: source.sso.session, startUrl: source.sso.startUrl, region: source.sso.region, source: source.name };
}

function renderSection(
  registry: Registry,
  account: RegistryAccount,
  role: RegistryRole,
  options: RenderProfilesOptions,
  sso: SsoSessionSpec | undefined,
): string {
  checkProfileName(role.profileName, account, role);
  const settings: Setting[] = sso
    ? ssoProfileSettings(sso.session, account.id, role.permissionSet ?? role.name)
    : options.mode === 'credential-process'
      ? credentialProcessSettings(account, role, options)
      : roleArnSettings(registry, account, role, options);
  settings.push(['region', options.region ?? homeRegion(account)]);
  if (registry.config.endpoint) settings.push(['endpoint_url', registry.config.endpoint]);
  const lines = settings.map(([key, value]) => `${key} = ${checkValue(key, value, role.profileName)}`);
  return [`[profile ${role.profileName}]`, profileMarker(account, role), ...lines].join('\n');
}

type Setting = [string, string];

function credentialProcessSettings(
  account: RegistryAccount,
  role: RegistryRole,
  options: RenderProfilesOptions,
): Setting[] {
  const command = options.crossbarCommand ?? 'crossbar';
  const words = typeof command === 'string' ? [command] : [...command];
  words.push('credential-process', `${account.name}:${role.key}`);
  if (options.configPath) words.push('--config', options.configPath);
  return [['credential_process', shellCommand(words)]];
}

function roleArnSettings(
  registry: Registry,
  account: RegistryAccount,
  role: RegistryRole,
  options: RenderProfilesOptions,
): Setting[] {
  const chain = resolveRoleChain({ account, role }, registry);
  const via = chain.length > 1 ? chain[chain.length - 2] : undefined;
  // The chain starts from its first account's source: its own profile, MFA device and session name, so that one
  // identity's MFA device is never written beside another's keys. The options override the default source only.
  const source = sourceOfChain(registry, chain[0]?.account ?? account, options);
  const sourceProfile = via ? via.role.profileName : source.profile;
  if (!sourceProfile) {
    throw new CrossbarError('USAGE', `role-arn profiles need a source profile for ${account.name}:${role.key}`, {
      hint: 'Set source.profile in crossbar.yaml (the profile with your own keys), or use --mode credential-process',
    });
  }
  const settings: Setting[] = [
    ['role_arn', role.arn],
    ['source_profile', sourceProfile],
  ];
  if (role.mfa === 'required') settings.push(['mfa_serial', mfaSerialFor(source.mfaSerial, account, role)]);
  if (role.externalId) settings.push(['external_id', role.externalId]);
  const sessionName = options.roleSessionName ?? source.identity;
  if (sessionName) settings.push(['role_session_name', sanitizeSessionName(sessionName)]);
  // AWS refuses more than an hour for a chained role; ask for what it will grant.
  if (role.duration)
    settings.push(['duration_seconds', String(via ? Math.min(role.duration, CHAINED_MAX_SECONDS) : role.duration)]);
  return settings;
}

/** The profile, MFA device and session name of the source a chain starts from (the options for the default one). */
function sourceOfChain(
  registry: Registry,
  first: RegistryAccount,
  options: RenderProfilesOptions,
): { profile?: string | undefined; mfaSerial?: string | undefined; identity?: string | undefined } {
  const source = findSource(registry, first.source);
  const own = source.kind === 'iam' ? { profile: source.profile, mfaSerial: source.mfaSerial } : {};
  if (source.name !== defaultSourceName(registry)) return { ...own, identity: source.identity };
  return {
    profile: options.sourceProfile ?? own.profile,
    mfaSerial: options.mfaSerial ?? own.mfaSerial,
    identity: source.identity,
  };
}

function mfaSerialFor(serial: string | undefined, account: RegistryAccount, role: RegistryRole): string {
  if (!serial) {
    throw new CrossbarError('USAGE', `${account.name}:${role.key} requires MFA but no MFA device is configured`, {
      hint: 'Set source.mfa_serial in crossbar.yaml, e.g. arn:aws:iam::111111111111:mfa/alice',
    });
  }
  return serial;
}

function checkProfileName(name: string, account: RegistryAccount, role: RegistryRole): void {
  if (name === 'default') {
    throw new CrossbarError(
      'CONFIG_INVALID',
      `The profile of ${account.name}:${role.key} would be named 'default'; crossbar never writes a [default] profile`,
      {
        hint: 'Change defaults.profile_pattern so every profile gets its own name, e.g. {namespace}-{name}-{role}',
      },
    );
  }
  if (!PROFILE_NAME.test(name)) {
    throw new CrossbarError(
      'CONFIG_INVALID',
      `Profile name '${name}' (${account.name}:${role.key}) has characters the AWS SDKs cannot read in a section header`,
      {
        hint: 'Use letters, digits and - _ . @ + % : / in defaults.profile_pattern and account names',
      },
    );
  }
}

/** A value the SDKs would cut short: a line break ends it, and the JS SDK drops everything after ` #` or ` ;`. */
function checkValue(key: string, value: string, profile: string): string {
  if (/[\r\n]/.test(value) || /(^|\s)[#;]/.test(value)) {
    throw new CrossbarError(
      'USAGE',
      `The ${key} of profile '${profile}' would be misread by the AWS SDKs: it contains a line break or a ' #'/' ;' comment marker`,
      {
        hint: 'Move crossbar.yaml (or the crossbar program) to a path without those characters',
      },
    );
  }
  return value;
}
