import { existsSync } from 'node:fs';
import { RULES } from './rules.js';
import type { Finding } from './types.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const { loadSharedConfigFiles } = requireSdk('@smithy/shared-ini-file-loader');

/**
 * Seed 004: "It is safer to not set a [default] profile as the CLI will use that when you do not specify
 * --profile." Long-lived keys (an access key id without a session token) in `[default]` of the shared
 * credentials file are a finding. Read with the SDK's own parser; the secret is never read into the finding.
 */
export interface LocalCredentialsOptions {
  /** AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials (the caller resolves it). */
  path: string;
}

/** `AKIA…WXYZ`: enough to find the key in IAM, not enough to use it. */
export function maskKeyId(id: string): string {
  return id.length <= 8 ? '…' : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

export async function localDefaultKeyFindings(options: LocalCredentialsOptions): Promise<Finding[]> {
  if (!existsSync(options.path)) return [];
  const files = await loadSharedConfigFiles({ filepath: options.path, configFilepath: '/dev/null', ignoreCache: true });
  const profile = files.credentialsFile['default'];
  const keyId = profile?.['aws_access_key_id'];
  if (!profile || !keyId || profile['aws_session_token']) return [];
  return [
    {
      id: RULES.localDefault.id,
      rule: RULES.localDefault.name,
      severity: 'medium',
      accountId: 'local',
      accountName: 'local',
      resource: options.path,
      title: `${RULES.localDefault.title}: ${maskKeyId(keyId)}`,
      evidence: `[default] in ${options.path}: aws_access_key_id = ${maskKeyId(keyId)}, aws_secret_access_key = (present, not shown)`,
      fix: RULES.localDefault.fix,
    },
  ];
}
