import type { Config } from './config/schema.js';
import { parseArn } from './arn.js';
import { buildRegistry, type Registry, type RegistryAccount, type RegistryRole } from './config/registry.js';
import { stsFailure } from './credentials/assume-error.js';
import {
  CredentialEngine,
  stsClientFor,
  type Credentials,
  type KeyringSlot,
  type KeyStore,
  type MfaCodeProvider,
  RedactedAccountCredentials,
  type RemoteCredentials,
  type SourceIdentity,
  type SourceProvider,
  type StsClientFactory,
} from './credentials/index.js';
import type { SsoAccessFactory } from './credentials/sso-access.js';
import { getCallerIdentity, type CallerIdentity } from './credentials/sts-calls.js';
import {
  checkReachability,
  type CheckOptions,
  type Reach,
  type RoleTarget,
  type TargetResult,
} from './reachability.js';
import { resolveTarget, selectAccounts, type ExtraTarget, type ResolvedTarget } from './select/select-accounts.js';
import { isCrossbarError } from './errors.js';
import { resolveSourceTarget, sourceAccountOf, SOURCE_ROLE_KEY } from './source-target.js';
import type { FanoutAccount } from './fanout/types.js';
// A small module: the SSO client itself is imported when an SSO role's credentials are first asked for.
import { ssoAccessFromCache } from './sso/lazy-sso-access.js';

/**
 * The composition root: built once by the CLI (or the server, or a test with fakes) from the config, the
 * environment and the state directory, and passed down. Everything the hop commands need goes through here:
 * the registry, target resolution, the credential engine, identities and the reachability check.
 */
export interface CrossbarOptions {
  config: Config;
  /** Built from `config` when absent. */
  registry?: Registry | undefined;
  /** The environment the source is resolved from (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** CROSSBAR_HOME: the credential cache and the other state live under it. */
  home: string;
  now?: (() => number) | undefined;
  /** How the engine asks a person for an MFA code; without one, an MFA role fails with MFA_REQUIRED. */
  mfaCodeProvider?: MfaCodeProvider | undefined;
  keyStore?: KeyStore | undefined;
  keyring?: KeyringSlot | undefined;
  /** Told when the keyring was wanted but unavailable, so the cache key went to a file instead. */
  onKeyringUnavailable?: ((keyFile: string) => void) | undefined;
  stsClientFactory?: StsClientFactory | undefined;
  /** Overrides the default source (tests); the registry's sources are resolved from their config otherwise. */
  source?: SourceProvider | undefined;
  /** Overrides sources by name (tests with fakes). */
  sources?: Readonly<Record<string, SourceProvider>> | undefined;
  /** Builds the IAM Identity Center access of each SSO source. */
  ssoAccessFactory?: SsoAccessFactory | undefined;
  /**
   * Every target's credentials from elsewhere (a team server's workspace) instead of the source and STS; the
   * source's own account is then not a target.
   */
  remote?: RemoteCredentials | undefined;
}

/** Who a target's credentials act as, as GetCallerIdentity says. */
export interface TargetIdentity {
  target: ResolvedTarget;
  arn: string;
  accountId: string;
  credentials: RedactedAccountCredentials;
}

export interface FanoutAccountOptions {
  /** The role in every account, by key or IAM name (default: each account's default role). */
  role?: string | undefined;
  /**
   * Reading everything (no selector, or `all`) includes the source's own account, reached with the source's own
   * credentials, unless the registry lists it: where the people (users, groups) live, for audit and trail.
   */
  includeSource?: boolean | undefined;
}

/** The role key of the source's own account in a fan-out: its calls use the source's credentials, not a role. */
export { SOURCE_ROLE_KEY } from './source-target.js';

export interface Crossbar {
  readonly config: Config;
  readonly registry: Registry;
  readonly engine: CredentialEngine;
  readonly home: string;
  /** Config `endpoint` (the sandbox or another AWS-compatible endpoint). */
  readonly endpoint: string | undefined;
  now(): number;
  /** The region the source signs in, resolved once (`source.region`, else us-east-1). */
  readonly sourceRegion: string;
  /** The default source's credentials, resolved once from its config and the environment. */
  readonly source: SourceProvider;
  /** The name of the default source. */
  readonly defaultSource: string;
  /** A source's provider by name: UNKNOWN_SOURCE for a name crossbar.yaml does not define. */
  sourceProvider(name?: string): SourceProvider;
  resolveTarget(text: string): ResolvedTarget;
  /**
   * A target as a person names it: what `resolveTarget` finds, else the source's own account by its id, its
   * Organizations name or `management` (reached with the source identity; asks Organizations only then).
   */
  findTarget(text: string): Promise<ResolvedTarget>;
  /** The source's own account as a target with its names, for pickers and completion (asks Organizations once). */
  sourceTarget(): Promise<ExtraTarget>;
  selectAccounts(selector?: string): RegistryAccount[];
  /**
   * The role an account is reached with: `ref` by key or IAM name, else the account's default role. A role the
   * registry does not list is tried by name (the account's ExternalId kept), so that a missing role is reported
   * DENIED for that account instead of stopping a whole run.
   */
  roleFor(account: RegistryAccount, ref?: string): RegistryRole;
  /** The ARN of role `roleName` in `account`, in the account's partition. */
  roleArn(account: RegistryAccount, roleName: string): string;
  /** The selected accounts, each with the role it is reached with: what every fan-out starts from. */
  fanoutAccounts(selector: string | undefined, options?: FanoutAccountOptions): Promise<FanoutAccount[]>;
  /** The source's own account as a fan-out account, reached with the source's credentials. */
  sourceAccount(): Promise<FanoutAccount>;
  /** Credentials of a fan-out account: the source's own for the source's account, an assumed role otherwise. */
  credentialsFor(account: FanoutAccount): Promise<Credentials>;
  credentials(target: Pick<ResolvedTarget, 'account' | 'role'>): Promise<RedactedAccountCredentials>;
  /** The cache entry name of a target (for `credential-process`'s warm index). */
  cacheEntryFor(target: Pick<ResolvedTarget, 'account' | 'role'>): string;
  /** A source's identity (default: the default source's), resolved once per source. */
  sourceIdentity(name?: string): Promise<SourceIdentity>;
  /** The sources the given accounts are reached from (in registry order of the sources): what a run must check. */
  sourcesOf(accounts: readonly Pick<RegistryAccount, 'source'>[]): string[];
  callerIdentity(credentials: Credentials, region?: string): Promise<CallerIdentity>;
  identityOf(target: ResolvedTarget): Promise<TargetIdentity>;
  /** Proves a role is reachable: its credentials, then GetCallerIdentity with them (not a cache hit alone). */
  probe(target: RoleTarget): Promise<Reach>;
  checkReachability(targets: readonly RoleTarget[], options?: CheckOptions): Promise<TargetResult<Reach>[]>;
}

export function createCrossbar(options: CrossbarOptions): Crossbar {
  const registry = options.registry ?? buildRegistry(options.config);
  const now = options.now ?? Date.now;
  const endpoint = options.config.endpoint;
  const stsFactory = options.stsClientFactory ?? stsClientFor;
  const engine = new CredentialEngine({
    registry,
    home: options.home,
    env: options.env,
    now,
    stsClientFactory: stsFactory,
    mfaCodeProvider: options.mfaCodeProvider,
    keyStore: options.keyStore,
    keyring: options.keyring,
    onKeyringUnavailable: options.onKeyringUnavailable,
    source: options.source,
    sources: options.sources,
    ssoAccessFactory: options.ssoAccessFactory ?? ssoAccessFromCache,
    remote: options.remote,
  });
  const stsRegion = registry.sourceRegion;

  const callerIdentity = async (credentials: Credentials, region = stsRegion): Promise<CallerIdentity> => {
    const sts = stsFactory(credentials, { region, ...(endpoint ? { endpoint } : {}) });
    try {
      return await getCallerIdentity(sts);
    } catch (err) {
      throw stsFailure(
        err,
        { endpoint, region, sourceLabel: 'the target session', bySource: false },
        'GetCallerIdentity',
      );
    } finally {
      sts.destroy();
    }
  };

  const identityOf = async (target: ResolvedTarget): Promise<TargetIdentity> => {
    const credentials = await targetCredentials(target);
    const caller = await callerIdentity(credentials);
    return { target, arn: caller.arn, accountId: caller.accountId, credentials };
  };

  const roleFor = (account: RegistryAccount, ref?: string): RegistryRole => {
    if (ref === undefined) return account.defaultRole;
    const configured = account.roles.find((r) => r.key === ref || r.name === ref);
    if (configured) return configured;
    const externalId = account.defaultRole.externalId;
    return {
      key: ref,
      name: ref,
      arn: roleArn(account, ref),
      mfa: 'none',
      confirm: false,
      profileName: '',
      implicit: true,
      ...(externalId ? { externalId } : {}),
    };
  };

  const sourceAccounts = new Map<string, Promise<FanoutAccount>>();
  const sourceAccountOnce = (name: string = engine.defaultSourceName): Promise<FanoutAccount> => {
    let known = sourceAccounts.get(name);
    if (!known) {
      const region = engine.sourceConfig(name).region;
      known = engine.sourceIdentity(name).then((source): FanoutAccount => {
        const account = sourceAccountOf(source, region, undefined, name);
        return { account, role: account.defaultRole };
      });
      sourceAccounts.set(name, known);
    }
    return known;
  };

  const sourcesOf = (accounts: readonly Pick<RegistryAccount, 'source'>[]): string[] => {
    const used = new Set(accounts.map((a) => a.source));
    return engine.sources.map((s) => s.name).filter((name) => used.has(name));
  };

  let sourceTarget: Promise<ExtraTarget> | undefined;
  const sourceTargetOnce = (): Promise<ExtraTarget> => {
    sourceTarget ??= engine
      .sourceIdentity()
      .then((identity) =>
        resolveSourceTarget({ identity, credentials: () => engine.source.provider(), region: stsRegion, endpoint }),
      );
    sourceTarget.catch(() => {
      sourceTarget = undefined;
    });
    return sourceTarget;
  };

  const findTarget = async (text: string): Promise<ResolvedTarget> => {
    try {
      return resolveTarget(registry, text);
    } catch (err) {
      if (!isCrossbarError(err) || err.code !== 'UNKNOWN_ACCOUNT' || options.remote) throw err;
      const extra = await sourceTargetOnce().catch(() => undefined);
      if (!extra) throw err;
      return resolveTarget(registry, text, { extra: [extra] });
    }
  };

  /** A target's credentials: the source's own for the source account, else the role's from the engine. */
  const targetCredentials = async (
    target: Pick<ResolvedTarget, 'account' | 'role'>,
  ): Promise<RedactedAccountCredentials> => {
    if (target.role.key !== SOURCE_ROLE_KEY) return engine.getCredentials(target);
    return new RedactedAccountCredentials(
      await engine.sourceProvider(target.account.source).provider(),
      target.account.id,
    );
  };

  const probe = async (target: RoleTarget): Promise<Reach> => {
    const credentials = await engine.getCredentials(target);
    const caller = await callerIdentity(credentials);
    return { assumedArn: caller.arn, expiration: credentials.expiration };
  };

  const root: Crossbar = {
    config: options.config,
    registry,
    engine,
    home: options.home,
    endpoint,
    now,
    sourceRegion: stsRegion,
    get source() {
      return engine.source;
    },
    defaultSource: engine.defaultSourceName,
    sourceProvider: (name) => engine.sourceProvider(name),
    resolveTarget: (text) => resolveTarget(registry, text),
    findTarget,
    sourceTarget: sourceTargetOnce,
    selectAccounts: (selector) => selectAccounts(registry, selector),
    roleFor,
    roleArn,
    async fanoutAccounts(selector, fanoutOptions = {}) {
      const accounts = selectAccounts(registry, selector).map((account): FanoutAccount => ({
        account,
        role: roleFor(account, fanoutOptions.role),
      }));
      const wholeOrg = selector === undefined || selector === 'all';
      if (fanoutOptions.includeSource === true && wholeOrg && !options.remote) {
        // Each IAM source's own account (where its people live), for the sources the accounts are reached from;
        // an SSO source's people live in Identity Center, not in an account.
        const iam = sourcesOf(accounts.map((a) => a.account)).filter((n) => engine.sourceConfig(n).kind === 'iam');
        const own = await Promise.all(iam.map((n) => sourceAccountOnce(n)));
        for (const source of own.reverse())
          if (!accounts.some((a) => a.account.id === source.account.id)) accounts.unshift(source);
      }
      return accounts;
    },
    sourceAccount: () => sourceAccountOnce(),
    credentialsFor: (fa) =>
      fa.role.key === SOURCE_ROLE_KEY ? engine.sourceProvider(fa.account.source).provider() : engine.getCredentials(fa),
    credentials: targetCredentials,
    cacheEntryFor: (target) => engine.cacheEntryFor(target),
    sourceIdentity: (name) => engine.sourceIdentity(name),
    sourcesOf,
    callerIdentity,
    identityOf,
    probe,
    checkReachability: (targets, checkOptions) => checkReachability(root, targets, checkOptions),
  };
  return root;
}

/** The ARN of a role in an account, in the partition of the account's own roles (aws, aws-cn, aws-us-gov). */
function roleArn(account: RegistryAccount, roleName: string): string {
  const partition = parseArn(account.defaultRole.arn).partition;
  return `arn:${partition}:iam::${account.id}:role/${roleName}`;
}
