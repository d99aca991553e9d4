import { join } from 'node:path';
import { createRateLimiter, type RateLimiter } from '../aws-clients/retry-strategy.js';
import { parseArn } from '../arn.js';
import { CrossbarError } from '../errors.js';
import type { Registry, RegistryAccount, RegistryRole } from '../config/registry.js';
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
  /** Overrides the source resolved from `source.profile` and `env`. */
  source?: SourceProvider | undefined;
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

const MFA_LOCK_STALE_MS = 120_000;
const SOURCE_SCOPE = 'source';

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
  readonly #source: SourceProvider;
  readonly #endpoint: string | undefined;
  readonly #region: string;
  readonly #now: () => number;
  readonly #sts: StsClientFactory;
  readonly #inflight = new Map<string, Promise<RedactedCredentials>>();
  #key: Promise<Buffer> | undefined;
  #resolvedSource: Promise<ResolvedSource> | undefined;

  constructor(options: CredentialEngineOptions) {
    this.#options = options;
    const config = options.registry.config;
    this.#endpoint = config.endpoint;
    this.#region = options.registry.sourceRegion;
    this.#now = options.now ?? Date.now;
    this.#sts = options.stsClientFactory ?? stsClientFor;
    this.#source =
      options.source ??
      resolveSourceProvider({
        env: options.env,
        region: this.#region,
        ...(config.source.profile ? { profile: config.source.profile } : {}),
        ...(this.#endpoint ? { endpoint: this.#endpoint } : {}),
        ...(options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {}),
      });
  }

  /** The source identity's provider (its label names it in messages; resolving it may cost a network call). */
  get source(): SourceProvider {
    return this.#source;
  }

  /** The cache entry name of a target: source, endpoint and every hop's role, ExternalId, duration and MFA. */
  cacheEntryFor(target: CredentialTarget): string {
    const { remote } = this.#options;
    if (remote) return remoteEntryName(remote, target);
    return this.#entryName(resolveRoleChain(target, this.#options.registry));
  }

  async getCredentials(
    target: CredentialTarget,
    options: GetCredentialsOptions = {},
  ): Promise<RedactedAccountCredentials> {
    const { remote } = this.#options;
    if (remote) return this.#remoteCredentials(remote, target);
    const hops = resolveRoleChain(target, this.#options.registry);
    const name = this.#entryName(hops);
    const own = await this.#sourceOwnAccount(target, hops, name);
    if (own) return own;
    const creds = await this.#cachedOrFetch(
      name,
      30_000,
      async () => (await this.#assumeChain(hops, options)).credentials,
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
    target: CredentialTarget,
    hops: RoleHop[],
    name: string,
  ): Promise<RedactedAccountCredentials | undefined> {
    if (target.role.implicit !== true || hops.length !== 1) return undefined;
    if (await this.#readFresh(name)) return undefined;
    const source = await this.#resolveSource();
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
    const name = sanitizeSessionName(options.name);
    const mfa = options.mfaCodeProvider ? { mfaCodeProvider: options.mfaCodeProvider } : {};
    return this.#assumeChain(hops, mfa, { name, strict: true, lastHopSeconds: options.durationSeconds });
  }

  /** The source identity (one GetCallerIdentity per engine), or the remote's member. */
  async sourceIdentity(): Promise<SourceIdentity> {
    if (this.#options.remote) return this.#options.remote.identity();
    return (await this.#resolveSource()).identity;
  }

  /**
   * The source's MFA session (GetSessionToken with `source.mfa_serial`): the one every MFA role is assumed from,
   * cached and shared; `crossbar rotate` signs its IAM calls with it, since AWS refuses IAM calls from a session
   * without MFA and policies often require MFA for them. Undefined when the source has no MFA device configured.
   */
  async sourceMfaSession(options: GetCredentialsOptions = {}): Promise<RedactedCredentials | undefined> {
    const serial = this.#options.registry.config.source.mfa_serial;
    if (serial === undefined || this.#options.remote) return undefined;
    return this.#mfaSession(await this.#resolveSource(), serial, options);
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

  #entryName(hops: RoleHop[]): string {
    const chain = hops.map((h) => [h.role.arn, h.role.externalId ?? '', h.durationSeconds, h.role.mfa]);
    return cacheEntryName([
      'role',
      1,
      this.#endpoint ?? '',
      this.#source.cacheKey,
      this.#options.registry.config.source.identity ?? '',
      chain,
    ]);
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

  #failureContext(bySource: boolean): StsFailureContext {
    return { endpoint: this.#endpoint, region: this.#region, sourceLabel: this.#source.label, bySource };
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
    call: (sts: ReturnType<StsClientFactory>) => Promise<T>,
  ): Promise<T> {
    let sts = this.#stsClients.get(credentials);
    if (!sts) {
      let rateLimiter = this.#stsLimiters.get(scope);
      if (!rateLimiter) this.#stsLimiters.set(scope, (rateLimiter = createRateLimiter()));
      sts = this.#sts(credentials, {
        region: this.#region,
        rateLimiter,
        ...(this.#endpoint ? { endpoint: this.#endpoint } : {}),
      });
      this.#stsClients.set(credentials, sts);
    }
    return call(sts);
  }

  async #resolveSource(): Promise<ResolvedSource> {
    // A long-lived engine (the server) re-resolves a source whose own credentials (SSO, a role) run out.
    const known = await this.#resolvedSource?.catch(() => undefined);
    if (known && needsRefresh(known.credentials, this.#now())) this.#resolvedSource = undefined;
    if (this.#resolvedSource) return this.#resolvedSource;
    const resolving = (async () => {
      const credentials = await this.#source.provider();
      const caller = await this.#withSts(credentials, SOURCE_SCOPE, getCallerIdentity).catch((err: unknown) => {
        throw stsFailure(err, this.#failureContext(true), `GetCallerIdentity of ${this.#source.label}`);
      });
      const name = sanitizeSessionName(this.#options.registry.config.source.identity ?? identityFromArn(caller.arn));
      const assumedRole = parseArn(caller.arn).resourceType === 'assumed-role';
      return { credentials, identity: { arn: caller.arn, accountId: caller.accountId, name, assumedRole } };
    })();
    this.#resolvedSource = resolving;
    resolving.catch(() => {
      if (this.#resolvedSource === resolving) this.#resolvedSource = undefined;
    });
    return resolving;
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
  #mfaSession(source: ResolvedSource, serial: string, options: GetCredentialsOptions): Promise<RedactedCredentials> {
    const name = cacheEntryName(['mfa', 1, this.#endpoint ?? '', this.#source.cacheKey, serial]);
    // Waiters allow the holder time to ask the person for a code before calling its lock abandoned.
    return this.#cachedOrFetch(name, MFA_LOCK_STALE_MS, async () => {
      const code = await this.#mfaCode(serial, options);
      const durationSeconds = this.#options.mfaSessionSeconds ?? 43_200;
      return this.#withSts(source.credentials, SOURCE_SCOPE, (sts) =>
        getMfaSession(sts, { serial, code, durationSeconds }),
      ).catch((err: unknown) => {
        throw stsFailure(err, this.#failureContext(true), `GetSessionToken with ${serial}`);
      });
    });
  }

  async #assumeChain(hops: RoleHop[], options: GetCredentialsOptions, person?: Person): Promise<AssumedSession> {
    const source = await this.#resolveSource();
    const who = person?.name ?? source.identity.name;
    const serial = this.#options.registry.config.source.mfa_serial;
    const needsMfa = serial !== undefined && hops.some((h) => h.role.mfa === 'required');
    let caller: RedactedCredentials = source.credentials;
    let callerArn = source.identity.arn;
    let firstHopMfa: AssumeRoleRequest['mfa'];
    let chainedAtLast = false;
    if (needsMfa && source.identity.assumedRole) {
      // A role session cannot call GetSessionToken: the code goes with the first AssumeRole instead.
      firstHopMfa = { serial, code: await this.#mfaCode(serial, options) };
    } else if (needsMfa) {
      caller = await this.#mfaSession(source, serial, options);
    }
    const mfaPresent = needsMfa;
    for (const [index, hop] of hops.entries()) {
      const chained = hop.chained || source.identity.assumedRole;
      chainedAtLast = chained;
      const wanted = index === hops.length - 1 ? (person?.lastHopSeconds ?? hop.durationSeconds) : hop.durationSeconds;
      const request: AssumeRoleRequest = {
        roleArn: hop.role.arn,
        sessionName: who,
        sourceIdentity: who,
        durationSeconds: chained ? Math.min(wanted, CHAINED_MAX_SECONDS) : wanted,
        ...(hop.role.externalId !== undefined ? { externalId: hop.role.externalId } : {}),
        ...(index === 0 && firstHopMfa ? { mfa: firstHopMfa } : {}),
        ...(person?.strict === true ? { requireSourceIdentity: true } : {}),
      };
      const attempt: AssumeRoleAttempt = {
        roleArn: hop.role.arn,
        sourceArn: callerArn,
        externalIdSent: request.externalId !== undefined,
        mfaPresent,
        roleRequiresMfa: hop.role.mfa === 'required',
        mfaSerialConfigured: serial !== undefined,
        durationSeconds: request.durationSeconds,
        chained,
      };
      const assumed = await this.#assumeHop(
        caller,
        request,
        attempt,
        source,
        index === 0 && caller === source.credentials,
        index === 0 ? SOURCE_SCOPE : accountOf(callerArn),
      );
      caller = assumed.credentials;
      callerArn = assumed.arn;
    }
    const last = hops[hops.length - 1];
    if (!last) throw new CrossbarError('ERROR', 'A role chain has no hops');
    return {
      credentials: new RedactedAccountCredentials(caller, parseArn(last.role.arn).accountId),
      arn: callerArn,
      chained: chainedAtLast,
    };
  }

  async #assumeHop(
    caller: Credentials,
    request: AssumeRoleRequest,
    attempt: AssumeRoleAttempt,
    source: ResolvedSource,
    bySource: boolean,
    scope: string,
  ): Promise<AssumedRole> {
    try {
      return await this.#withSts(caller, scope, (sts) => assumeRole(sts, request));
    } catch (err) {
      throw await assumeRoleFailure(
        err,
        attempt,
        this.#failureContext(bySource),
        {
          enabled: this.#options.probeCallerPolicy ?? true,
          sourceCredentials: source.credentials,
          sourceAccountId: source.identity.accountId,
          callerArn: attempt.sourceArn,
        },
        request.mfa?.serial,
      );
    }
  }
}

/** A remote's cache entry: the remote (server, member, workspace), the account and the role. */
function remoteEntryName(remote: RemoteCredentials, target: CredentialTarget): string {
  return cacheEntryName(['remote', 1, remote.cacheKey, target.account.id, target.role.key]);
}
