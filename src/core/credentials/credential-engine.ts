import { join } from 'node:path';
import { createRateLimiter, type RateLimiter } from '../aws-clients/retry-strategy.js';
import { parseArn } from '../arn.js';
import { CrossbarError } from '../errors.js';
import {
  defaultSourceName,
  findSource,
  registrySources,
  type Registry,
  type RegistryAccount,
  type RegistryRole,
  type RegistrySource,
} from '../config/registry.js';
import { assumeRoleFailure, stsFailure, type StsFailureContext } from './assume-error.js';
import { loadCacheKey, type KeyringSlot, type KeyStore } from './cache-key.js';
import { cacheEntryName, cacheLockPath, ensureCacheDir, readCacheEntry, writeCacheEntry } from './credential-cache.js';
import {
  needsRefresh,
  RedactedAccountCredentials,
  REFRESH_MARGIN_MS,
  type Credentials,
  type RedactedCredentials,
} from './credentials.js';
import type { AssumeRoleAttempt } from './explain-denial.js';
import { withFileLock } from './file-lock.js';
import { CHAINED_MAX_SECONDS, resolveRoleChain, type RoleHop } from './role-chain.js';
import { identityFromArn, sanitizeSessionName } from './session-name.js';
import { resolveSourceProvider, type Env, type SourceProvider } from './source-provider.js';
import { ssoLabel, unavailableSsoAccess, type SsoAccessFactory } from './sso-access.js';
import { assumeRole, getCallerIdentity, getMfaSession, type AssumedRole, type AssumeRoleRequest } from './sts-calls.js';
import { stsClientFor, type StsClientFactory } from './sts-client.js';

export type MfaCodeProvider = (serial: string) => Promise<string>;

export interface CredentialTarget {
  account: RegistryAccount;
  role: RegistryRole;
}

/**
 * Credentials from elsewhere than the source and STS: the team server vends them to a member (crossbar serve). The
 * engine caches them (encrypted), single-flights them within and across processes and refreshes them as it does its
 * own; the remote decides who may have what.
 */
export interface RemoteCredentials {
  /** What names the cache entries besides the target: the server, the member and the workspace. */
  cacheKey: string;
  /** The remote's credentials for a target, and whether they may be cached (not when a person confirmed this one use). */
  fetch(target: CredentialTarget): Promise<{ credentials: RedactedAccountCredentials; cache: boolean }>;
  /** Who asks, in place of the source identity. */
  identity(): Promise<SourceIdentity>;
}

export interface CredentialEngineOptions {
  registry: Registry;
  /** CROSSBAR_HOME: the cache lives in `<home>/cache`. */
  home: string;
  /** The environment the source is resolved from (AWS_PROFILE, AWS_ACCESS_KEY_ID, …). */
  env: Env;
  mfaCodeProvider?: MfaCodeProvider | undefined;
  keyStore?: KeyStore | undefined;
  keyring?: KeyringSlot | undefined;
  now?: () => number;
  stsClientFactory?: StsClientFactory | undefined;
  /** Overrides the default source (resolved from its config and `env` otherwise). */
  source?: SourceProvider | undefined;
  /** Overrides sources by name (tests with fakes); the others are resolved from their config. */
  sources?: Readonly<Record<string, SourceProvider>> | undefined;
  /** Builds the IAM Identity Center access of an SSO source (default: one that fails clearly on use). */
  ssoAccessFactory?: SsoAccessFactory | undefined;
  /** Lifetime of the MFA session that every MFA role reuses (GetSessionToken; AWS's default is 12 h). */
  mfaSessionSeconds?: number | undefined;
  /** On a bare AccessDenied, read the caller's own IAM policies to tell `caller policy` apart (default true). */
  probeCallerPolicy?: boolean | undefined;
  /** Told when the keyring was wanted but unavailable, so the cache key went to a file instead. */
  onKeyringUnavailable?: ((keyFile: string) => void) | undefined;
  /** Every target's credentials come from here instead (the team server); the source is not used. */
  remote?: RemoteCredentials | undefined;
}

export interface GetCredentialsOptions {
  mfaCodeProvider?: MfaCodeProvider;
}

/** Who a session is assumed for when it is not the source's own person: the team server's member. */
export interface AssumeAsOptions {
  /** RoleSessionName and SourceIdentity of every hop (sanitized as AWS requires). */
  name: string;
  /** DurationSeconds of the last hop (the role's own duration otherwise; capped at one hour when chained). */
  durationSeconds?: number | undefined;
  /** The code of the source's own MFA device, when a hop needs MFA and the MFA session is not open yet. */
  mfaCodeProvider?: MfaCodeProvider | undefined;
}

/** A session assumed for someone: never cached by the engine, never from the source's own account. */
export interface AssumedSession {
  credentials: RedactedAccountCredentials;
  /** The assumed-role ARN of the last hop (arn:aws:sts::ACCOUNT:assumed-role/ROLE/NAME). */
  arn: string;
  /** Obtained by role chaining (its caller was itself a role session): the console refuses a SessionDuration. */
  chained: boolean;
}

interface Person {
  name: string;
  /** Refuse a role whose trust policy does not allow sts:SetSourceIdentity instead of dropping SourceIdentity. */
  strict: boolean;
  lastHopSeconds?: number | undefined;
}

/** Who the source is: its ARN and account, and the person's name used for session names and SourceIdentity. */
export interface SourceIdentity {
  arn: string;
  accountId: string;
  name: string;
  /** The source is itself a role session (SSO, instance role): every AssumeRole from it is chaining. */
  assumedRole: boolean;
}

interface ResolvedSource {
  identity: SourceIdentity;
  credentials: RedactedCredentials;
}

/** One source of the engine: its config, its provider (built on first use), its identity (resolved on first use). */
interface SourceState {
  source: RegistrySource;
  /** What names it in cache entries: the provider's key, and the source's name unless it is `default`. */
  cacheKey: string;
  provider: SourceProvider;
  /** The rate limiter scope of its own calls (GetCallerIdentity, GetSessionToken, the first AssumeRole). */
  scope: string;
  resolved?: Promise<ResolvedSource> | undefined;
  /** The person of an SSO source without a hub: from its first role session (one GetCallerIdentity). */
  person?: Promise<string> | undefined;
}

const MFA_LOCK_STALE_MS = 120_000;
const SOURCE_SCOPE = 'source';
const DEFAULT_SOURCE = 'default';

function accountOf(arn: string): string {
  try {
    return parseArn(arn).accountId;
  } catch {
    return arn;
  }
}

/**
 * Gets credentials for a target, owning the encrypted on-disk cache: one MFA session reused by every MFA role,
 * role chains hop by hop, refresh 5 minutes before expiry, single-flight within the process (one promise per
 * cache entry) and across processes (a lock file beside the entry).
 */
export class CredentialEngine {
  readonly #options: CredentialEngineOptions;
  readonly #endpoint: string | undefined;
  readonly #now: () => number;
  readonly #sts: StsClientFactory;
  readonly #inflight = new Map<string, Promise<RedactedCredentials>>();
  /** Sources by name, each built on first use: a source no target uses is never resolved (no prompt, no network). */
  readonly #sources = new Map<string, SourceState>();
  #key: Promise<Buffer> | undefined;

  constructor(options: CredentialEngineOptions) {
    this.#options = options;
    this.#endpoint = options.registry.config.endpoint;
    this.#now = options.now ?? Date.now;
    this.#sts = options.stsClientFactory ?? stsClientFor;
  }

  /** The name of the default source (`default` unless `defaults.source` or a lone named source says otherwise). */
  get defaultSourceName(): string {
    return defaultSourceName(this.#options.registry);
  }

  /** The default source's provider (its label names it in messages; resolving it may cost a network call). */
  get source(): SourceProvider {
    return this.sourceProvider();
  }

  /** A source's provider by name (default: the default source); an unknown name is UNKNOWN_SOURCE. */
  sourceProvider(name: string = this.defaultSourceName): SourceProvider {
    return this.#state(name).provider;
  }

  /** The config of a source by name (default: the default source). */
  sourceConfig(name: string = this.defaultSourceName): RegistrySource {
    return this.#state(name).source;
  }

  /** The sources of the registry, `default` first. */
  get sources(): RegistrySource[] {
    return registrySources(this.#options.registry);
  }

  #state(name: string): SourceState {
    const known = this.#sources.get(name);
    if (known) return known;
    const source = findSource(this.#options.registry, name);
    const provider = this.#providerOf(source);
    const named = name !== DEFAULT_SOURCE;
    const state: SourceState = {
      source,
      provider,
      cacheKey: named ? `source:${name}|${provider.cacheKey}` : provider.cacheKey,
      scope: named ? `${SOURCE_SCOPE}:${name}` : SOURCE_SCOPE,
    };
    this.#sources.set(name, state);
    return state;
  }

  #providerOf(source: RegistrySource): SourceProvider {
    const options = this.#options;
    const given =
      options.sources?.[source.name] ?? (source.name === this.defaultSourceName ? options.source : undefined);
    if (given) return given;
    if (source.kind === 'sso') {
      const factory = options.ssoAccessFactory ?? unavailableSsoAccess;
      const sso = factory(source.name, source.sso, {
        home: options.home,
        endpoint: this.#endpoint,
        env: options.env,
        now: this.#now,
        keyStore: options.keyStore,
        keyring: options.keyring,
      });
      const name = source.name;
      return {
        label: sso.label || ssoLabel(name, source.sso),
        cacheKey: `sso:${source.sso.startUrl}:${source.sso.session}`,
        provider: () => this.#ssoIdentityCredentials(this.#state(name)),
        sso,
      };
    }
    return resolveSourceProvider({
      env: options.env,
      region: source.region,
      ...(source.profile ? { profile: source.profile } : {}),
      ...(this.#endpoint ? { endpoint: this.#endpoint } : {}),
      ...(options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {}),
    });
  }

  /** The source a role chain starts from: the source of its first hop's account. */
  #stateOf(hops: RoleHop[]): SourceState {
    return this.#state(hops[0]?.account.source ?? this.defaultSourceName);
  }

  /** The cache entry name of a target: source, endpoint and every hop's role, ExternalId, duration and MFA. */
  cacheEntryFor(target: CredentialTarget): string {
    const { remote } = this.#options;
    if (remote) return remoteEntryName(remote, target);
    const hops = resolveRoleChain(target, this.#options.registry);
    return this.#entryName(this.#stateOf(hops), hops);
  }

  async getCredentials(
    target: CredentialTarget,
    options: GetCredentialsOptions = {},
  ): Promise<RedactedAccountCredentials> {
    const { remote } = this.#options;
    if (remote) return this.#remoteCredentials(remote, target);
    const hops = resolveRoleChain(target, this.#options.registry);
    const state = this.#stateOf(hops);
    const name = this.#entryName(state, hops);
    const own = await this.#sourceOwnAccount(state, target, hops, name);
    if (own) return own;
    const creds = await this.#cachedOrFetch(
      name,
      30_000,
      async () => (await this.#assumeChain(state, hops, options)).credentials,
    );
    if (!(creds instanceof RedactedAccountCredentials))
      throw new CrossbarError('ERROR', `Cache entry ${name} holds no account`);
    return creds;
  }

  /**
   * The source's own account (the management account, most often) reached through a role nobody configured for it
   * (the default role, which AWS never creates there): the source identity as it is, not an AssumeRole that can
   * only be denied. Checked after the cache, so a warm hit costs nothing; on a miss the source is resolved anyway.
   */
  async #sourceOwnAccount(
    state: SourceState,
    target: CredentialTarget,
    hops: RoleHop[],
    name: string,
  ): Promise<RedactedAccountCredentials | undefined> {
    // An SSO source's session is a role of the account, not the account's own identity: only IAM sources qualify.
    if (target.role.implicit !== true || hops.length !== 1 || state.source.kind !== 'iam') return undefined;
    if (await this.#readFresh(name)) return undefined;
    const source = await this.#resolveSource(state);
    if (source.identity.accountId !== target.account.id) return undefined;
    return new RedactedAccountCredentials(source.credentials, target.account.id);
  }

  /**
   * Assumes a target's role chain for someone else than the source's person (the team server vends a member's own
   * session): RoleSessionName and SourceIdentity are `name` on every hop, and a trust policy that refuses
   * sts:SetSourceIdentity is an error, never a session without the name. Nothing is cached here (the caller keeps
   * its own cache per person); the source and its MFA session are, as for every call.
   */
  async assumeAs(target: CredentialTarget, options: AssumeAsOptions): Promise<AssumedSession> {
    const hops = resolveRoleChain(target, this.#options.registry);
    if (hops[0]?.role.permissionSet !== undefined)
      throw new CrossbarError(
        'USAGE',
        `${target.account.name}:${hops[0].role.key} starts from a permission set, whose session cannot carry another person's name`,
        { hint: 'Vend roles reached from an IAM source (the session name and SourceIdentity are the member)' },
      );
    const name = sanitizeSessionName(options.name);
    const mfa = options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {};
    return this.#assumeChain(this.#stateOf(hops), hops, mfa, {
      name,
      strict: true,
      lastHopSeconds: options.durationSeconds,
    });
  }

  /**
   * A source's identity (one GetCallerIdentity per source and engine; default: the default source), or the
   * remote's member. An SSO source's identity is its hub session, else the session of its first permission set.
   */
  async sourceIdentity(name?: string): Promise<SourceIdentity> {
    if (this.#options.remote) return this.#options.remote.identity();
    return (await this.#resolveSource(this.#state(name ?? this.defaultSourceName))).identity;
  }

  /**
   * A source's MFA session (GetSessionToken with its `mfa_serial`; default: the default source's): the one every MFA role is assumed from,
   * cached and shared; `crossbar rotate` signs its IAM calls with it, since AWS refuses IAM calls from a session
   * without MFA and policies often require MFA for them. Undefined when the source has no MFA device configured.
   */
  async sourceMfaSession(
    options: GetCredentialsOptions = {},
    name: string = this.defaultSourceName,
  ): Promise<RedactedCredentials | undefined> {
    if (this.#options.remote) return undefined;
    const state = this.#state(name);
    const serial = state.source.kind === 'iam' ? state.source.mfaSerial : undefined;
    if (serial === undefined) return undefined;
    return this.#mfaSession(state, await this.#resolveSource(state), serial, options);
  }

  async #remoteCredentials(remote: RemoteCredentials, target: CredentialTarget): Promise<RedactedAccountCredentials> {
    const once = new WeakSet<RedactedCredentials>();
    // The remote may ask the person for a code (TOTP) or a confirmation: waiters allow it the time, as for MFA.
    const creds = await this.#cachedOrFetch(
      remoteEntryName(remote, target),
      MFA_LOCK_STALE_MS,
      async () => {
        const answer = await remote.fetch(target);
        if (!answer.cache) once.add(answer.credentials);
        return answer.credentials;
      },
      (fresh) => !once.has(fresh),
    );
    if (!(creds instanceof RedactedAccountCredentials))
      throw new CrossbarError('ERROR', `The cache entry of ${target.account.name}:${target.role.key} holds no account`);
    return creds;
  }

  #entryName(state: SourceState, hops: RoleHop[]): string {
    const chain = hops.map((h) => [h.role.arn, h.role.externalId ?? '', h.durationSeconds, h.role.mfa]);
    return cacheEntryName(['role', 1, this.#endpoint ?? '', state.cacheKey, state.source.identity ?? '', chain]);
  }

  #cacheKey(): Promise<Buffer> {
    this.#key ??= loadCacheKey({
      home: this.#options.home,
      keyStore: this.#options.keyStore ?? 'auto',
      ...(this.#options.keyring ? { keyring: this.#options.keyring } : {}),
    }).then(
      (k) => {
        if (k.keyringUnavailable) this.#options.onKeyringUnavailable?.(join(this.#options.home, 'cache.key'));
        return k.key;
      },
      (err: unknown) => {
        this.#key = undefined;
        throw err;
      },
    );
    return this.#key;
  }

  async #readFresh(name: string): Promise<RedactedCredentials | undefined> {
    const entry = readCacheEntry({ home: this.#options.home, key: await this.#cacheKey() }, name);
    return entry && !needsRefresh(entry, this.#now(), REFRESH_MARGIN_MS) ? entry : undefined;
  }

  /**
   * The cache entry if fresh, else one fetch shared by every caller: in this process through one promise, across
   * processes through the lock file, whose holder re-checks the cache before calling STS.
   */
  async #cachedOrFetch(
    name: string,
    staleMs: number,
    fetch: () => Promise<RedactedCredentials>,
    keep: (fresh: RedactedCredentials) => boolean = () => true,
  ): Promise<RedactedCredentials> {
    const hit = await this.#readFresh(name);
    if (hit) return hit;
    const running = this.#inflight.get(name);
    if (running) return running;
    const home = this.#options.home;
    const work = (async () => {
      ensureCacheDir(home);
      return withFileLock(
        cacheLockPath(home, name),
        async () => {
          const raced = await this.#readFresh(name);
          if (raced) return raced;
          const fresh = await fetch();
          if (keep(fresh)) writeCacheEntry({ home, key: await this.#cacheKey() }, name, fresh);
          return fresh;
        },
        { peek: () => this.#readFresh(name), staleMs },
      );
    })().finally(() => this.#inflight.delete(name));
    this.#inflight.set(name, work);
    return work;
  }

  #failureContext(state: SourceState, bySource: boolean): StsFailureContext {
    return { endpoint: this.#endpoint, region: state.source.region, sourceLabel: state.provider.label, bySource };
  }

  /**
   * One STS client per set of credentials, kept for the engine's life: a cold fan-out assumes a role in hundreds
   * of accounts from the same source, and building a client per call was most of its CPU. Idle keep-alive
   * sockets are unref'd by node, so kept clients never hold the process open.
   */
  readonly #stsClients = new WeakMap<Credentials, ReturnType<StsClientFactory>>();

  /**
   * One adaptive rate limiter per calling account, the scope AWS throttles STS by: `source` for the source
   * identity and its MFA session (a cold fan-out's every AssumeRole), the account id for a hop of a role chain.
   */
  readonly #stsLimiters = new Map<string, RateLimiter>();

  async #withSts<T>(
    credentials: Credentials,
    scope: string,
    region: string,
    call: (sts: ReturnType<StsClientFactory>) => Promise<T>,
  ): Promise<T> {
    let sts = this.#stsClients.get(credentials);
    if (!sts) {
      let rateLimiter = this.#stsLimiters.get(scope);
      if (!rateLimiter) this.#stsLimiters.set(scope, (rateLimiter = createRateLimiter()));
      sts = this.#sts(credentials, {
        region,
        rateLimiter,
        ...(this.#endpoint ? { endpoint: this.#endpoint } : {}),
      });
      this.#stsClients.set(credentials, sts);
    }
    return call(sts);
  }

  async #resolveSource(state: SourceState): Promise<ResolvedSource> {
    // A long-lived engine (the server) re-resolves a source whose own credentials (SSO, a role) run out.
    const known = await state.resolved?.catch(() => undefined);
    if (known && needsRefresh(known.credentials, this.#now())) state.resolved = undefined;
    if (state.resolved) return state.resolved;
    const resolving = (async () => {
      const credentials = await state.provider.provider();
      const caller = await this.#withSts(credentials, state.scope, state.source.region, getCallerIdentity).catch(
        (err: unknown) => {
          throw stsFailure(err, this.#failureContext(state, true), `GetCallerIdentity of ${state.provider.label}`);
        },
      );
      const name = sanitizeSessionName(state.source.identity ?? identityFromArn(caller.arn));
      const assumedRole = parseArn(caller.arn).resourceType === 'assumed-role';
      return { credentials, identity: { arn: caller.arn, accountId: caller.accountId, name, assumedRole } };
    })();
    state.resolved = resolving;
    resolving.catch(() => {
      if (state.resolved === resolving) state.resolved = undefined;
    });
    return resolving;
  }

  /**
   * The credentials an SSO source stands as: its hub's session (`sso.account` + `sso.role`), else the session of
   * the first permission set of its first account (the proof that the sign-in works, for `whoami` and the checks).
   */
  async #ssoIdentityCredentials(state: SourceState): Promise<RedactedCredentials> {
    const { source } = state;
    if (source.kind !== 'sso') throw new CrossbarError('ERROR', `Source ${source.name} is not an SSO source`);
    if (source.sso.account !== undefined && source.sso.role !== undefined)
      return this.#ssoRole(state, source.sso.account, source.sso.role);
    for (const account of this.#options.registry.accounts.filter((a) => a.source === source.name)) {
      const role = account.roles.find((r) => r.permissionSet !== undefined);
      if (role?.permissionSet !== undefined) return this.#ssoRole(state, account.id, role.permissionSet);
    }
    throw new CrossbarError(
      'CONFIG_INVALID',
      `SSO source '${source.name}' has no hub and no account with a permission_set role`,
      {
        hint: `Give it a hub (sso.account and sso.role), or roles with permission_set to its accounts`,
      },
    );
  }

  /** GetRoleCredentials of an SSO source for an account and permission set, cached like every other entry. */
  #ssoRole(state: SourceState, accountId: string, permissionSet: string): Promise<RedactedCredentials> {
    const sso = state.provider.sso;
    if (!sso)
      throw new CrossbarError(
        'CONFIG_INVALID',
        `Permission set ${permissionSet} in ${accountId} needs an SSO source, and ${state.provider.label} is not one`,
        { hint: 'Reach the account from an sso source (accounts[].source), or give the role a name instead' },
      );
    const name = cacheEntryName(['sso', 1, this.#endpoint ?? '', state.cacheKey, accountId, permissionSet]);
    // The token may need refreshing (or the person signing in): waiters allow it time, as for MFA.
    return this.#cachedOrFetch(name, MFA_LOCK_STALE_MS, () => sso.roleCredentials(accountId, permissionSet));
  }

  /** The person of an SSO source: `identity:`, else the session name AWS gives its role sessions (the user). */
  #ssoPerson(state: SourceState, credentials: RedactedCredentials): Promise<string> {
    if (state.source.identity !== undefined) return Promise.resolve(sanitizeSessionName(state.source.identity));
    state.person ??= this.#withSts(credentials, state.scope, state.source.region, getCallerIdentity).then(
      (caller) => sanitizeSessionName(identityFromArn(caller.arn)),
      (err: unknown) => {
        state.person = undefined;
        throw stsFailure(err, this.#failureContext(state, false), `GetCallerIdentity of ${state.provider.label}`);
      },
    );
    return state.person;
  }

  async #mfaCode(serial: string, options: GetCredentialsOptions): Promise<string> {
    const provider = options.mfaCodeProvider ?? this.#options.mfaCodeProvider;
    if (!provider) {
      throw new CrossbarError('MFA_REQUIRED', `This role needs an MFA code from ${serial}`, {
        hint: 'run `crossbar unlock ACCOUNT:ROLE` on a terminal first (the MFA session it opens serves later calls), or pass --mfa-code or set CROSSBAR_MFA_CODE',
      });
    }
    return provider(serial);
  }

  /** One GetSessionToken with MFA, cached (encrypted) and reused by every MFA role until it expires. */
  #mfaSession(
    state: SourceState,
    source: ResolvedSource,
    serial: string,
    options: GetCredentialsOptions,
  ): Promise<RedactedCredentials> {
    // Per source: its own keys and its own device, under its own lock.
    const name = cacheEntryName(['mfa', 1, this.#endpoint ?? '', state.cacheKey, serial]);
    // Waiters allow the holder time to ask the person for a code before calling its lock abandoned.
    return this.#cachedOrFetch(name, MFA_LOCK_STALE_MS, async () => {
      const code = await this.#mfaCode(serial, options);
      const durationSeconds = this.#options.mfaSessionSeconds ?? 43_200;
      return this.#withSts(source.credentials, state.scope, state.source.region, (sts) =>
        getMfaSession(sts, { serial, code, durationSeconds }),
      ).catch((err: unknown) => {
        throw stsFailure(err, this.#failureContext(state, true), `GetSessionToken with ${serial}`);
      });
    });
  }

  /**
   * Where a chain starts: the source's own credentials (after its MFA session, when a hop needs MFA), or, when the
   * first hop is a permission set, that set's SSO session (the hops after it are chained from it).
   */
  async #chainStart(state: SourceState, hops: RoleHop[], options: GetCredentialsOptions): Promise<ChainStart> {
    const [first, ...rest] = hops;
    if (!first) throw new CrossbarError('ERROR', 'A role chain has no hops');
    const permissionSet = first.role.permissionSet;
    if (permissionSet !== undefined) {
      // One hop: the chain's own entry caches it. Further hops: its own entry, shared by every chain through it.
      const sso = state.provider.sso;
      const credentials =
        rest.length === 0 && sso
          ? await sso.roleCredentials(first.account.id, permissionSet)
          : await this.#ssoRole(state, first.account.id, permissionSet);
      const person = rest.length === 0 ? '' : await this.#ssoPerson(state, credentials);
      return { credentials, arn: first.role.arn, accountId: first.account.id, person, assumedRole: true, hops: rest };
    }
    if (state.source.kind === 'sso' && state.source.sso.account === undefined)
      throw new CrossbarError(
        'CONFIG_INVALID',
        `${first.account.name}:${first.role.key} is a plain role, and ${state.provider.label} has no hub to assume it from`,
        {
          hint: `Reach it via a permission_set role of the account (\`via:\`), or give the source a hub (sso.account and sso.role)`,
        },
      );
    const source = await this.#resolveSource(state);
    const serial = state.source.kind === 'iam' ? state.source.mfaSerial : undefined;
    const needsMfa = serial !== undefined && hops.some((h) => h.role.mfa === 'required');
    const start: ChainStart = {
      credentials: source.credentials,
      arn: source.identity.arn,
      accountId: source.identity.accountId,
      person: source.identity.name,
      assumedRole: source.identity.assumedRole,
      hops,
      bySource: true,
      ...(serial !== undefined ? { mfaSerial: serial } : {}),
    };
    if (!needsMfa) return start;
    // A role session cannot call GetSessionToken: the code goes with the first AssumeRole instead.
    if (source.identity.assumedRole)
      return { ...start, mfaPresent: true, firstHopMfa: { serial, code: await this.#mfaCode(serial, options) } };
    return {
      ...start,
      mfaPresent: true,
      credentials: await this.#mfaSession(state, source, serial, options),
      bySource: false,
    };
  }

  async #assumeChain(
    state: SourceState,
    allHops: RoleHop[],
    options: GetCredentialsOptions,
    person?: Person,
  ): Promise<AssumedSession> {
    const start = await this.#chainStart(state, allHops, options);
    const { hops } = start;
    const who = person?.name ?? start.person;
    let caller: RedactedCredentials = start.credentials;
    let callerArn = start.arn;
    let chainedAtLast = false;
    for (const [index, hop] of hops.entries()) {
      const chained = hop.chained || start.assumedRole;
      chainedAtLast = chained;
      const wanted = index === hops.length - 1 ? (person?.lastHopSeconds ?? hop.durationSeconds) : hop.durationSeconds;
      const request: AssumeRoleRequest = {
        roleArn: hop.role.arn,
        sessionName: who,
        sourceIdentity: who,
        durationSeconds: chained ? Math.min(wanted, CHAINED_MAX_SECONDS) : wanted,
        ...(hop.role.externalId !== undefined ? { externalId: hop.role.externalId } : {}),
        ...(index === 0 && start.firstHopMfa ? { mfa: start.firstHopMfa } : {}),
        ...(person?.strict === true ? { requireSourceIdentity: true } : {}),
      };
      const attempt: AssumeRoleAttempt = {
        roleArn: hop.role.arn,
        sourceArn: callerArn,
        externalIdSent: request.externalId !== undefined,
        mfaPresent: start.mfaPresent === true,
        roleRequiresMfa: hop.role.mfa === 'required',
        mfaSerialConfigured: start.mfaSerial !== undefined,
        durationSeconds: request.durationSeconds,
        chained,
      };
      const assumed = await this.#assumeHop(state, caller, request, attempt, start, {
        bySource: index === 0 && start.bySource === true,
        scope: index === 0 && start.bySource !== undefined ? state.scope : accountOf(callerArn),
      });
      caller = assumed.credentials;
      callerArn = assumed.arn;
    }
    const last = allHops[allHops.length - 1];
    if (!last) throw new CrossbarError('ERROR', 'A role chain has no hops');
    return {
      credentials: new RedactedAccountCredentials(caller, parseArn(last.role.arn).accountId),
      arn: callerArn,
      chained: chainedAtLast,
    };
  }

  async #assumeHop(
    state: SourceState,
    caller: Credentials,
    request: AssumeRoleRequest,
    attempt: AssumeRoleAttempt,
    start: ChainStart,
    how: { bySource: boolean; scope: string },
  ): Promise<AssumedRole> {
    try {
      return await this.#withSts(caller, how.scope, state.source.region, (sts) => assumeRole(sts, request));
    } catch (err) {
      throw await assumeRoleFailure(
        err,
        attempt,
        this.#failureContext(state, how.bySource),
        {
          // Reading the caller's own IAM policies needs an IAM identity: an SSO session's role is AWS's to manage.
          enabled: (this.#options.probeCallerPolicy ?? true) && start.bySource !== undefined,
          sourceCredentials: start.credentials,
          sourceAccountId: start.accountId,
          callerArn: attempt.sourceArn,
        },
        request.mfa?.serial,
      );
    }
  }
}

/** Where a role chain starts, and the hops still to assume from there. */
interface ChainStart {
  credentials: RedactedCredentials;
  /** The caller's ARN for messages (an SSO session: its permission set's role, without AWS's hash). */
  arn: string;
  accountId: string;
  /** RoleSessionName and SourceIdentity of the hops. */
  person: string;
  /** The caller is a role session: every AssumeRole from it is chaining (1-hour cap). */
  assumedRole: boolean;
  hops: RoleHop[];
  /**
   * Set when the chain starts from an IAM source: true when the first AssumeRole is made with the source's own
   * credentials (a bad token then means bad source credentials), false from its MFA session.
   */
  bySource?: boolean;
  mfaSerial?: string;
  mfaPresent?: boolean;
  firstHopMfa?: AssumeRoleRequest['mfa'];
}

/** A remote's cache entry: the remote (server, member, workspace), the account and the role. */
function remoteEntryName(remote: RemoteCredentials, target: CredentialTarget): string {
  return cacheEntryName(['remote', 1, remote.cacheKey, target.account.id, target.role.key]);
}
