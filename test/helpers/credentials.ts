import type { STSClient } from '@aws-sdk/client-sts';
import { buildRegistry, type Registry } from '../../src/core/config/registry.js';
import { formatProblem, parseConfig } from '../../src/core/config/load-config.js';
import {
  CredentialEngine,
  stsClientFor,
  type CredentialEngineOptions,
  type KeyringSlot,
  type StsClientFactory,
} from '../../src/core/credentials/index.js';
import { resolveTarget } from '../../src/core/select/select-accounts.js';
import { ALICE_MFA } from './sandbox-clients.js';
import type { World } from './world.js';

/* Fixtures of the credential engine's tests: the demo organization's crossbar.yaml, a counting STS, keyrings. */

/** The demo organization as a crossbar.yaml: every account and role the credential tests reach. */
export function demoConfig(
  endpoint: string,
  source: { profile: string; mfaSerial?: string; identity?: string },
): string {
  const sourceLine = [
    `profile: ${source.profile}`,
    source.mfaSerial ? `mfa_serial: "${source.mfaSerial}"` : '',
    source.identity ? `identity: "${source.identity}"` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `organization: { name: acme, namespace: acme }
source: { ${sourceLine} }
endpoint: ${endpoint}
accounts:
  - { id: "111111111111", name: management, roles: { hub: CrossbarHub } }
  - id: "222222222222"
    name: development
    stage: dev
    roles:
      CrossbarReadOnly: CrossbarReadOnly
      admin: { name: administrator, mfa: required }
  - { id: "333333333333", name: staging, stage: staging, roles: { admin: { name: administrator, mfa: required } } }
  - id: "444444444444"
    name: production
    stage: prod
    roles:
      CrossbarReadOnly: CrossbarReadOnly
      admin: { name: administrator, mfa: required, confirm: true }
      hub-readonly: { name: CrossbarReadOnly, via: "management:hub", duration: 7200 }
      hub-admin: { name: administrator, via: "management:hub" }
      org: OrganizationAccountAccessRole
  - { id: "555555555555", name: client-acme, external_id: acme-crossbar-7f3a9c }
  - { id: "555555555555", name: acme-without-id, stage: no-external-id }
`;
}

export function registryFrom(text: string): Registry {
  const parsed = parseConfig(text, 'crossbar.yaml');
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return buildRegistry(parsed.config);
}

/** Counts STS operations as the SDK sends them (the wire, not the cache). */
export function countingSts(): { factory: StsClientFactory; counts: Record<string, number>; total: () => number } {
  const counts: Record<string, number> = {};
  const factory: StsClientFactory = (credentials, options) => {
    const client: STSClient = stsClientFor(credentials, options);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        counts[name] = (counts[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'countStsCalls' },
    );
    return client;
  };
  return { factory, counts, total: () => Object.values(counts).reduce((a, b) => a + b, 0) };
}

/** An in-memory keyring, or one that always fails like a machine without a keyring daemon. */
export function memoryKeyring(): KeyringSlot & { value: string | null } {
  const slot = {
    value: null as string | null,
    get: () => Promise.resolve(slot.value),
    set: (v: string) => {
      slot.value = v;
      return Promise.resolve();
    },
  };
  return slot;
}

export const brokenKeyring: KeyringSlot = {
  get: () => Promise.reject(new Error("Couldn't access platform storage")),
  set: () => Promise.reject(new Error("Couldn't access platform storage")),
};

export interface Harness {
  registry: Registry;
  home: string;
  env: Record<string, string>;
  counts: Record<string, number>;
  engine(extra?: Partial<CredentialEngineOptions>): CredentialEngine;
  target(name: string): ReturnType<typeof resolveTarget>;
}

/** One user's view of a `keys` world: crossbar.yaml for that profile, a fresh CROSSBAR_HOME, a counting STS factory. */
export function harness(
  w: World,
  who: 'alice' | 'bob',
  options: { mfaSerial?: string | null; identity?: string; endpoint?: string } = {},
): Harness {
  const mfaSerial =
    options.mfaSerial === null ? undefined : (options.mfaSerial ?? (who === 'alice' ? ALICE_MFA : undefined));
  const registry = registryFrom(
    demoConfig(options.endpoint ?? w.sb.endpoint, {
      profile: who,
      ...(mfaSerial ? { mfaSerial } : {}),
      ...(options.identity ? { identity: options.identity } : {}),
    }),
  );
  const home = w.newHome();
  const sts = countingSts();
  return {
    registry,
    home,
    env: w.awsEnv,
    counts: sts.counts,
    engine: (extra = {}) =>
      new CredentialEngine({
        registry,
        home,
        env: w.awsEnv,
        keyStore: 'file',
        stsClientFactory: sts.factory,
        ...extra,
      }),
    target: (name) => resolveTarget(registry, name),
  };
}
