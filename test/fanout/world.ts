import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from '../../src/core/config/registry.js';
import { CredentialEngine, type Credentials } from '../../src/core/credentials/index.js';
import type { FanoutAccount } from '../../src/core/fanout/index.js';
import { selectAccounts } from '../../src/core/select/select-accounts.js';
import type { Sandbox, SandboxOptions } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { awsFiles, registryFrom } from '../credentials/setup.js';

/**
 * The demo organization as the fan-out tests see it: the four member accounts as the sandbox seeds them, plus
 * two that cannot be reached (client-acme without its ExternalId, and an account outside the organization),
 * and credential engines for alice or bob with a fresh cache each.
 */
export function fanoutConfig(endpoint: string, profile: 'alice' | 'bob'): string {
  return `organization: { name: acme, namespace: acme }
source: { profile: ${profile} }
endpoint: ${endpoint}
defaults: { role: CrossbarReadOnly, regions: [us-east-1, eu-west-1] }
accounts:
  - { id: "222222222222", name: development, stage: dev }
  - { id: "333333333333", name: staging, stage: staging }
  - { id: "444444444444", name: production, stage: prod, roles: { admin: { name: administrator, mfa: required } } }
  - { id: "555555555555", name: client-acme, stage: client, external_id: acme-crossbar-7f3a9c }
  - { id: "555555555555", name: acme-without-id, stage: client }
  - { id: "666666666666", name: outsider, stage: dev }
`;
}

export interface FanoutWorld {
  sb: Sandbox;
  registry(who?: 'alice' | 'bob'): Registry;
  /** `credentialsFor` of a credential engine with its own empty cache, recording the accounts it was asked for. */
  engine(who?: 'alice' | 'bob'): { credentialsFor: (fa: FanoutAccount) => Promise<Credentials>; calls: string[] };
  accounts(selector: string, who?: 'alice' | 'bob'): FanoutAccount[];
  stop(): Promise<void>;
}

export async function startFanoutWorld(options: SandboxOptions = {}): Promise<FanoutWorld> {
  const sb = await startTestSandbox(options);
  const files = awsFiles(sb);
  const registries = {
    alice: registryFrom(fanoutConfig(sb.endpoint, 'alice')),
    bob: registryFrom(fanoutConfig(sb.endpoint, 'bob')),
  };
  const homes: string[] = [];
  return {
    sb,
    registry: (who = 'alice') => registries[who],
    engine(who = 'alice') {
      const home = mkdtempSync(join(tmpdir(), 'crossbar-fanout-home-'));
      homes.push(home);
      const engine = new CredentialEngine({ registry: registries[who], home, env: files.env, keyStore: 'file' });
      const calls: string[] = [];
      const credentialsFor = (fa: FanoutAccount) => {
        calls.push(fa.account.name);
        return engine.getCredentials(fa);
      };
      return { credentialsFor, calls };
    },
    accounts: (selector, who = 'alice') =>
      selectAccounts(registries[who], selector).map((account) => ({ account, role: account.defaultRole })),
    async stop() {
      await sb.stop();
      for (const h of homes) rmSync(h, { recursive: true, force: true });
      rmSync(files.dir, { recursive: true, force: true });
    },
  };
}

/** `name/region` of every result, for exactly-once checks. */
export function keysOf(results: readonly { target: { account: { name: string }; region: string } }[]): string[] {
  return results.map((r) => `${r.target.account.name}/${r.target.region}`);
}
