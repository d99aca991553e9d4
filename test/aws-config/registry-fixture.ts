import { parseConfig, formatProblem } from '../../src/core/config/load-config.js';
import { buildRegistry, type Registry } from '../../src/core/config/registry.js';

/** Test helper: a registry from YAML text, failing loudly on config problems. */
export function registryFrom(yaml: string): Registry {
  const parsed = parseConfig(yaml, 'crossbar.yaml');
  if (!parsed.config) throw new Error(parsed.problems.map(formatProblem).join('\n'));
  return buildRegistry(parsed.config);
}

export const DEMO_YAML = `
organization: { name: acme, namespace: acme }
source: { profile: crossbar-source, mfa_serial: "arn:aws:iam::111111111111:mfa/alice", identity: "Alice Liddell" }
defaults: { role: CrossbarReadOnly, regions: [us-east-1] }
accounts:
  - { id: "222222222222", name: development, stage: dev }
  - id: "444444444444"
    name: production
    stage: prod
    regions: [eu-west-1]
    roles:
      CrossbarReadOnly: CrossbarReadOnly
      admin: { name: administrator, mfa: required, duration: 7200 }
      deploy: { name: deployer, via: admin, duration: 7200 }
  - { id: "555555555555", name: client-acme, stage: client, external_id: acme-crossbar-7f3a9c }
`;
