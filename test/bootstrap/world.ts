import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describeSandbox } from '../../src/cli/sandbox-info.js';
import { writeSandboxConfig, type SandboxConfigPaths } from '../../src/cli/write-files.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import type { World } from '../../src/sandbox/world/types.js';
import { runCli } from '../cli/run-cli.js';

/**
 * A sandbox (demo or generated:N), the AWS profiles `sandbox start --write-config` writes for it, and crossbar.yaml
 * files the tests write themselves. Each CLI call runs in-process with a private HOME and CROSSBAR_HOME.
 */
export const MANAGEMENT = '111111111111';
export const ALICE = `arn:aws:iam::${MANAGEMENT}:user/alice`;

export interface BootstrapWorld {
  sb: Sandbox;
  dir: string;
  paths: SandboxConfigPaths;
  /** Writes a crossbar.yaml (the endpoint is added) and returns its path. */
  config(name: string, value: Record<string, unknown>): string;
  cli(argv: string[], extra?: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

let homes = 0;

export async function startBootstrapWorld(org: string): Promise<BootstrapWorld> {
  const sb = await startSandbox({ port: 0, org });
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-bootstrap-'));
  const paths = writeSandboxConfig(join(dir, 'sandbox'), describeSandbox(sb, org));
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    sb,
    dir,
    paths,
    config(name, value) {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, stringify({ ...value, endpoint: sb.endpoint }));
      return path;
    },
    cli: (argv, extra = {}) => runCli(argv, {
      PATH: process.env['PATH'],
      HOME: home,
      CROSSBAR_HOME: join(dir, `crossbar-home-${(homes += 1)}`),
      CROSSBAR_KEY_STORE: 'file',
      CROSSBAR_CONFIG: paths.crossbarYaml,
      AWS_CONFIG_FILE: paths.awsConfig,
      AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...extra,
    }, dir),
    async stop() {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * What bootstrap may change, in every account: roles (trust, attached and inline policies), groups (policies)
 * and users' group memberships. `lastUsed` is left out: reading through `--via` assumes roles, which is not a
 * change bootstrap makes.
 */
export function iamSnapshot(world: World): string {
  return JSON.stringify(Object.values(world.accounts).map((a) => ({
    id: a.id,
    roles: Object.values(a.iam.roles).map((r) => [r.name, r.assumeRolePolicyDocument, r.attachedPolicies, r.inlinePolicies]),
    groups: Object.values(a.iam.groups).map((g) => [g.name, g.inlinePolicies, g.attachedPolicies]),
    users: Object.values(a.iam.users).map((u) => [u.name, u.groups]),
  })));
}

/**
 * alice as the management account's admin: IAM in her own account (the groups bootstrap makes there) and
 * OrganizationAccountAccessRole in every member account, the way into accounts the organization created.
 */
export function allowOrganizationAccess(world: World): void {
  const alice = world.accounts[MANAGEMENT]?.iam.users['alice'];
  if (!alice) throw new Error('no alice in the sandbox');
  alice.inlinePolicies['organization-admin'] = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/OrganizationAccountAccessRole' },
      { Effect: 'Allow', Action: 'iam:*', Resource: `arn:aws:iam::${MANAGEMENT}:*` },
    ],
  });
}
