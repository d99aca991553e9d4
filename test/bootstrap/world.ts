import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SandboxConfigPaths } from '../../src/cli/write-files.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import type { World } from '../../src/sandbox/world/types.js';
import { startHopWorld } from '../hop/world.js';

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
  cli(
    argv: string[],
    extra?: Record<string, string | undefined>,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

/** The hop tests' world (private HOME, CROSSBAR_HOME and AWS files), plus crossbar.yaml files of the test's own. */
export async function startBootstrapWorld(org: string): Promise<BootstrapWorld> {
  const w = await startHopWorld(org);
  return {
    sb: w.sb,
    dir: w.dir,
    paths: w.paths,
    config(name, value) {
      const path = join(w.dir, `${name}.yaml`);
      writeFileSync(path, stringify({ ...value, endpoint: w.sb.endpoint }));
      return path;
    },
    cli: w.cli,
    stop: w.stop,
  };
}

/**
 * What bootstrap may change, in every account: roles (trust, attached and inline policies), groups (policies)
 * and users' group memberships. `lastUsed` is left out: reading through `--via` assumes roles, which is not a
 * change bootstrap makes.
 */
export function iamSnapshot(world: World): string {
  return JSON.stringify(
    Object.values(world.accounts).map((a) => ({
      id: a.id,
      roles: Object.values(a.iam.roles).map((r) => [
        r.name,
        r.assumeRolePolicyDocument,
        r.attachedPolicies,
        r.inlinePolicies,
      ]),
      groups: Object.values(a.iam.groups).map((g) => [g.name, g.inlinePolicies, g.attachedPolicies]),
      users: Object.values(a.iam.users).map((u) => [u.name, u.groups]),
    })),
  );
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
