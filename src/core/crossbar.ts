import type { Config } from './config/schema.js';
import { buildRegistry, type Registry, type RegistryAccount } from './config/registry.js';
import { stsFailure } from './credentials/assume-error.js';
import {
  CredentialEngine,
  stsClientFor,
  type Credentials,
  type KeyringSlot,
  type KeyStore,
  type MfaCodeProvider,
  type RedactedAccountCredentials,
  type SourceIdentity,
  type SourceProvider,
  type StsClientFactory,
} from './credentials/index.js';
import { getCallerIdentity, type CallerIdentity } from './credentials/sts-calls.js';
import {
  checkReachability,
  type CheckOptions,
  type Reach,
  type RoleTarget,
  type TargetResult,
} from './reachability.js';
import { resolveTarget, selectAccounts, type ResolvedTarget } from './select/select-accounts.js';

/**
 * The composition root: built once by the CLI (or the server, or a test with fakes) from the config, the
 * environment and the state directory, and passed down. Everything the hop commands need goes through here:
 * the registry, target resolution, the credential engine, identities and the reachability check.
 */
export interface CrossbarOptions {
  config: Config;
  /** Built from `config` when absent. */
  registry?: Registry;
  /** The environment the source is resolved from (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE, …). */
  env: Readonly<Record<string, string | undefined>>;
  /** CROSSBAR_HOME: the credential cache and the other state live under it. */
  home: string;
  now?: () => number;
  /** How the engine asks a person for an MFA code; without one, an MFA role fails with MFA_REQUIRED. */
  mfaCodeProvider?: MfaCodeProvider;
  keyStore?: KeyStore;
  keyring?: KeyringSlot;
  stsClientFactory?: StsClientFactory;
  source?: SourceProvider;
}

/** Who a target's credentials act as, as GetCallerIdentity says. */
export interface TargetIdentity {
  target: ResolvedTarget;
  arn: string;
  accountId: string;
  credentials: RedactedAccountCredentials;
}

export interface Crossbar {
  readonly config: Config;
  readonly registry: Registry;
  readonly engine: CredentialEngine;
  readonly home: string;
  /** Config `endpoint` (the sandbox or another AWS-compatible endpoint). */
  readonly endpoint: string | undefined;
  now(): number;
  resolveTarget(text: string): ResolvedTarget;
  selectAccounts(selector?: string): RegistryAccount[];
  credentials(target: Pick<ResolvedTarget, 'account' | 'role'>): Promise<RedactedAccountCredentials>;
  /** The cache entry name of a target (for `credential-process`'s warm index). */
  cacheEntryFor(target: Pick<ResolvedTarget, 'account' | 'role'>): string;
  sourceIdentity(): Promise<SourceIdentity>;
  callerIdentity(credentials: Credentials, region?: string): Promise<CallerIdentity>;
  identityOf(target: ResolvedTarget): Promise<TargetIdentity>;
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
    ...(options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {}),
    ...(options.keyStore ? { keyStore: options.keyStore } : {}),
    ...(options.keyring ? { keyring: options.keyring } : {}),
    ...(options.source ? { source: options.source } : {}),
  });
  const stsRegion = options.config.source.region ?? 'us-east-1';

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
    const credentials = await engine.getCredentials(target);
    const caller = await callerIdentity(credentials);
    return { target, arn: caller.arn, accountId: caller.accountId, credentials };
  };

  return {
    config: options.config,
    registry,
    engine,
    home: options.home,
    endpoint,
    now,
    resolveTarget: (text) => resolveTarget(registry, text),
    selectAccounts: (selector) => selectAccounts(registry, selector),
    credentials: (target) => engine.getCredentials(target),
    cacheEntryFor: (target) => engine.cacheEntryFor(target),
    sourceIdentity: () => engine.sourceIdentity(),
    callerIdentity,
    identityOf,
    // A reached role is proven by a call with its credentials, not by a cache hit alone.
    checkReachability: (targets, checkOptions) =>
      checkReachability(
        targets,
        async (target) => {
          const credentials = await engine.getCredentials(target);
          const caller = await callerIdentity(credentials);
          return { assumedArn: caller.arn, expiration: credentials.expiration };
        },
        checkOptions,
      ),
  };
}
