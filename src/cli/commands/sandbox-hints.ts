import { relative } from 'node:path';
import { quoteShellWord } from '../../core/aws-config/index.js';
import type { SandboxConfigPaths } from '../write-files.js';

/** Copy-pasteable commands for using a running sandbox, shared by `sandbox start` and `demo`. */

export function shellPath(path: string, cwd: string | undefined): string {
  const rel = cwd ? relative(cwd, path) : path;
  const shown = rel && !rel.startsWith('..') ? (rel.startsWith('/') ? rel : `./${rel}`) : path;
  return quoteShellWord(shown);
}

/** The environment prefix that points the AWS CLI at the written profiles. */
export function awsEnvPrefix(paths: SandboxConfigPaths, cwd?: string): string {
  return `AWS_CONFIG_FILE=${shellPath(paths.awsConfig, cwd)} AWS_SHARED_CREDENTIALS_FILE=${shellPath(paths.awsCredentials, cwd)}`;
}

export interface HintOptions {
  endpoint: string;
  paths?: SandboxConfigPaths | undefined;
  /** Paths are shown relative to this folder when inside it. */
  cwd?: string;
  /** An account with a CrossbarReadOnly role, for the assume-role example. */
  exampleAccountId?: string | undefined;
  /** How the user runs crossbar: `npx crossbar` from a checkout. */
  crossbar?: string;
}

export function awsCliHint({ endpoint, paths, cwd, exampleAccountId, crossbar = 'crossbar' }: HintOptions): string[] {
  if (!paths) {
    return [
      'Point the AWS CLI at it: restart with --write-config ./sandbox for ready-made profiles, or --json for the keys, then',
      `  aws --endpoint-url ${endpoint} sts get-caller-identity`,
    ];
  }
  const env = awsEnvPrefix(paths, cwd);
  return [
    'Point the AWS CLI at it (the profiles carry endpoint_url):',
    `  ${env} aws --profile alice sts get-caller-identity`,
    ...(exampleAccountId
      ? [
          `  ${env} aws --profile bob sts assume-role --role-arn arn:aws:iam::${exampleAccountId}:role/CrossbarReadOnly --role-session-name try`,
        ]
      : []),
    `  ${crossbar} sandbox mfa-code alice --endpoint ${endpoint}`,
  ];
}
