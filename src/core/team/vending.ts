import type { RegistryAccount, RegistryRole } from '../config/registry.js';
import { signInToConsole, type FetchLike } from '../console/index.js';
import {
  type CredentialEngine,
  type MfaCodeProvider,
  type RedactedAccountCredentials,
  type RedactedCredentials,
} from '../credentials/index.js';
import { connectionKey, createConnectionEngine, type ConnectionContext } from './connection-engine.js';
import { VendCache, type Vended } from './vend-cache.js';
import type { WorkspaceConnection } from './workspace-model.js';

export interface VendingOptions extends ConnectionContext {
  /** The code of the server source's MFA device, for roles whose trust policy needs MFA (`mfa: required`). */
  sourceMfaCode?: MfaCodeProvider | undefined;
  /** For console sign-in links (the global fetch by default). */
  fetch?: FetchLike | undefined;
  refreshMarginMs?: number | undefined;
}

/** One vend: who asks, through which workspace, for which account and role. Permissions are checked before. */
export interface VendRequest {
  member: { id: string; username: string };
  workspace: { id: string; name: string; connection: WorkspaceConnection };
  account: RegistryAccount;
  role: RegistryRole;
  purpose: 'credentials' | 'console';
  durationSeconds?: number | undefined;
  /** The console's region (the account's first region by default). */
  region?: string | undefined;
}

interface MemberSession {
  credentials: RedactedAccountCredentials;
  chained: boolean;
}

export interface VendResult {
  credentials: RedactedAccountCredentials;
  expiresAt: number;
  /** Served from the member's cached session: no AssumeRole for this request. */
  cached: boolean;
  /** A federated console sign-in URL, for `purpose: 'console'`. A secret for the member only. */
  consoleUrl?: string;
}

/**
 * Credentials vended per member: the role assumed through the workspace's connection with RoleSessionName and
 * SourceIdentity = the member's user name (a trust policy that refuses SourceIdentity is an error, never a session
 * CloudTrail cannot name), kept per member in memory (vend-cache.ts) and never shared between members. Source and
 * connection credentials never leave this object.
 */
export class Vending {
  readonly #options: VendingOptions;
  readonly #cache: VendCache<MemberSession>;
  readonly #engines = new Map<string, CredentialEngine>();

  constructor(options: VendingOptions) {
    this.#options = options;
    this.#cache = new VendCache({
      now: () => options.crossbar.now(),
      ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
    });
  }

  async vend(request: VendRequest): Promise<VendResult> {
    const session = await this.#cache.get(
      {
        member: request.member.id,
        workspace: request.workspace.id,
        account: request.account.id,
        role: request.role.key,
        durationSeconds: request.durationSeconds,
      },
      () => this.#assume(request),
    );
    const result: VendResult = {
      credentials: session.value.credentials,
      expiresAt: session.expiresAt,
      cached: session.cached,
    };
    if (request.purpose === 'console') result.consoleUrl = await this.#consoleUrl(request, session.value);
    return result;
  }

  /** Forgets a member's sessions (removed from a workspace): their next ask, if still allowed, assumes anew. */
  forgetMember(memberId: string, workspaceId?: string): void {
    this.#cache.forgetMember(memberId, workspaceId);
  }

  async #assume(request: VendRequest): Promise<Vended<MemberSession>> {
    const engine = this.#engine(request.workspace.connection);
    const assumed = await engine.assumeAs(
      { account: request.account, role: request.role },
      {
        name: request.member.username,
        durationSeconds: request.durationSeconds,
        mfaCodeProvider: this.#options.sourceMfaCode,
      },
    );
    const expiration = assumed.credentials.expiration;
    const expiresAt =
      expiration?.getTime() ??
      this.#options.crossbar.now() + (request.durationSeconds ?? request.role.duration ?? 3600) * 1000;
    return { value: { credentials: assumed.credentials, chained: assumed.chained }, expiresAt };
  }

  /**
   * The connection's own credentials (the server's source, a profile, env keys or the connection role's session),
   * for what the server asks in the connection's own account on a member's behalf: Cost Explorer in the payer
   * account. They stay in the server, as every connection credential does.
   */
  connectionCredentials(connection: WorkspaceConnection): Promise<RedactedCredentials> {
    return this.#engine(connection).source.provider();
  }

  #engine(connection: WorkspaceConnection): CredentialEngine {
    const key = connectionKey(connection);
    let engine = this.#engines.get(key);
    if (!engine) this.#engines.set(key, (engine = createConnectionEngine(this.#options, connection)));
    return engine;
  }

  #consoleUrl(request: VendRequest, session: MemberSession): Promise<string> {
    const { crossbar } = this.#options;
    return signInToConsole({
      credentials: session.credentials,
      target: `${request.account.name}:${request.role.key}`,
      region: request.region ?? request.account.regions[0],
      endpoint: crossbar.endpoint,
      chained: session.chained,
      issuer: 'crossbar',
      fetch: this.#options.fetch ?? ((url, init) => fetch(url, init)),
    });
  }
}
