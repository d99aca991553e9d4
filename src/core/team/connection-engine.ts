import type { Crossbar } from '../crossbar.js';
import type { Registry } from '../config/registry.js';
import {
  CredentialEngine,
  redactCredentials,
  resolveSourceProvider,
  stsClientFor,
  type Env,
  type SourceProvider,
  type StsClientFactory,
} from '../credentials/index.js';
import { stsFailure } from '../credentials/assume-error.js';
import { assumeRole } from '../credentials/sts-calls.js';
import { canonicalJson } from './trail-chain.js';
import type { WorkspaceConnection } from './workspace-model.js';

/** What a workspace connection is resolved against: the server's root, and the server's own environment. */
export interface ConnectionContext {
  crossbar: Pick<Crossbar, 'engine' | 'registry' | 'endpoint' | 'sourceRegion' | 'home' | 'now' | 'source'>;
  /** The server's environment (AWS_ACCESS_KEY_ID… for `env`, AWS_CONFIG_FILE… for `profile`). */
  env: Env;
  stsClientFactory?: StsClientFactory | undefined;
}

/** The session name of the connection role's own session (`role` connections): the server, not a member. */
export const CONNECTION_SESSION_NAME = 'crossbar-server';

const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'];

/** Identifies a connection for sharing one engine between workspaces that get in the same way. */
export function connectionKey(connection: WorkspaceConnection): string {
  return canonicalJson(connection);
}

/**
 * The credential engine a workspace's hops start from, per its connection (workspace-model.ts):
 * - `source`: the server's root engine itself (its source, its MFA session);
 * - `profile`: a profile of the server's AWS files;
 * - `env`: the server's environment keys, and nothing else of its environment;
 * - `role`: a role assumed first from the server's source, as the server (session `crossbar-server`, no
 *   SourceIdentity: the member's name is set on the next hop, which CloudTrail then carries on).
 * Whatever the connection, its credentials stay in the server: only the member's own hops are vended.
 */
export function createConnectionEngine(ctx: ConnectionContext, connection: WorkspaceConnection): CredentialEngine {
  const { crossbar } = ctx;
  if (connection.kind === 'source') return crossbar.engine;
  const place = {
    region: crossbar.sourceRegion,
    ...(crossbar.endpoint ? { endpoint: crossbar.endpoint } : {}),
  };
  let source: SourceProvider;
  if (connection.kind === 'profile')
    source = resolveSourceProvider({ profile: connection.profile, env: ctx.env, ...place });
  else if (connection.kind === 'env')
    source = resolveSourceProvider({
      env: Object.fromEntries(ENV_KEYS.map((k) => [k, ctx.env[k]])),
      ...place,
    });
  else source = roleSource(ctx, connection);
  return new CredentialEngine({
    registry: withoutSourceMfa(crossbar.registry, connection.kind === 'profile' ? connection.profile : undefined),
    home: crossbar.home,
    env: ctx.env,
    now: () => crossbar.now(),
    source,
    keyStore: 'file',
    ...(ctx.stsClientFactory ? { stsClientFactory: ctx.stsClientFactory } : {}),
  });
}

/**
 * The source's MFA device belongs to the server's source, not to another profile or a connection role: such a
 * connection reaches roles that need MFA only if AWS lets it in without (its trust policy's business).
 */
function withoutSourceMfa(registry: Registry, profile: string | undefined): Registry {
  return {
    ...registry,
    config: { ...registry.config, source: { ...(profile ? { profile } : {}), region: registry.sourceRegion } },
  };
}

function roleSource(
  ctx: ConnectionContext,
  connection: Extract<WorkspaceConnection, { kind: 'role' }>,
): SourceProvider {
  const { crossbar } = ctx;
  const factory = ctx.stsClientFactory ?? stsClientFor;
  const label = `the connection role ${connection.role_arn}`;
  return {
    label,
    cacheKey: `role:${connection.role_arn}:${connection.external_id ?? ''}`,
    provider: async () => {
      const base = await crossbar.source.provider();
      const sts = factory(base, {
        region: crossbar.sourceRegion,
        ...(crossbar.endpoint ? { endpoint: crossbar.endpoint } : {}),
      });
      try {
        const assumed = await assumeRole(sts, {
          roleArn: connection.role_arn,
          sessionName: CONNECTION_SESSION_NAME,
          durationSeconds: 3600,
          ...(connection.external_id ? { externalId: connection.external_id } : {}),
        });
        return redactCredentials(assumed.credentials);
      } catch (err) {
        throw stsFailure(
          err,
          {
            endpoint: crossbar.endpoint,
            region: crossbar.sourceRegion,
            sourceLabel: crossbar.source.label,
            bySource: true,
          },
          `AssumeRole of ${label}`,
        );
      } finally {
        sts.destroy();
      }
    },
  };
}
