import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { allowDocument, trustDocument } from '../../src/sandbox/world/build-org.js';
import { createRole } from '../../src/sandbox/world/iam-entities.js';
import { MANAGEMENT, assume, keysOf } from './sandbox-clients.js';

/**
 * A role in a member account that alice may assume and that allows only `actions`: the "denied twin" of
 * the read-only role. Written straight into the sandbox world, as an administrator would have set it up.
 */
export async function limitedSession(
  sb: Sandbox,
  accountId: string,
  roleName: string,
  actions: string[],
): Promise<AwsCredentialIdentity> {
  const account = sb.world.accounts[accountId];
  const alice = sb.world.accounts[MANAGEMENT]?.iam.users['alice'];
  if (!account || !alice) throw new Error(`sandbox has no account ${accountId} or no alice`);
  if (!account.iam.roles[roleName]) {
    const role = createRole(sb.world, account, roleName, {
      createDate: new Date(sb.now()).toISOString(),
      trust: trustDocument([{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }]),
    });
    role.inlinePolicies['only'] = allowDocument(actions, '*');
    alice.inlinePolicies[`assume-${roleName}`] = allowDocument('sts:AssumeRole', role.arn);
  }
  return assume(sb, keysOf(sb, 'alice'), accountId, roleName);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real AWS CLI against the sandbox with the given credentials in its environment, nothing else. */
export async function runAwsCli(
  sb: Sandbox,
  creds: AwsCredentialIdentity,
  args: string[],
  region = 'us-east-1',
): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: process.env['HOME'] ?? '/tmp',
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PAGER: '',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(
      'aws',
      ['--endpoint-url', sb.endpoint, '--output', 'json', ...args],
      { env, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
