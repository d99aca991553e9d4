import { readFileSync } from 'node:fs';
import { resolveConfigPath, resolveCrossbarHome } from '../../core/config-location.js';
import type { AccountCredentials } from '../../core/credentials/index.js';
import { readWarmCredentials, type WarmOptions, type WarmTarget } from '../../core/warm-credentials.js';
import type { CliIo } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import { serverStatePath, workspaceStateText } from '../team/server-state.js';

/**
 * The warm path of `crossbar credential-process TARGET`, which main() tries before it builds the command tree:
 * on a warm cache it answers from the target index (warm-credentials.ts) before yaml, zod, the AWS SDK or even
 * the command module are loaded. It is apart from credential-process.ts so that main imports this much only.
 */
export function credentialProcessJson(creds: AccountCredentials): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    ...(creds.sessionToken ? { SessionToken: creds.sessionToken } : {}),
    ...(creds.expiration ? { Expiration: creds.expiration.toISOString() } : {}),
    AccountId: creds.accountId,
  });
}

/**
 * What keys the target index: crossbar.yaml's path and text, or, with a current workspace of a team server and no
 * --config, server.json's (the server, the member, their token's id and the workspace).
 */
export function warmTarget(io: CliIo, config: string | undefined, target: string): WarmTarget {
  const home = resolveCrossbarHome(io.env, io.cwd);
  const server = config === undefined ? workspaceStateText(home) : undefined;
  // The environment that picks a local source (AWS_PROFILE, the AWS files) does not matter to the server's credentials.
  if (server !== undefined) return { home, configPath: serverStatePath(home), configText: server, target, env: {} };
  const configPath = resolveConfigPath({ flag: config, env: io.env, cwd: io.cwd });
  return {
    home,
    configPath,
    configText: readFileSync(configPath, 'utf8'),
    target,
    env: io.env,
  };
}

export function warmOptions(io: CliIo): WarmOptions {
  const store = io.env['CROSSBAR_KEY_STORE'];
  return store === 'file' || store === 'keyring' || store === 'auto' ? { keyStore: store } : {};
}

/** `credential-process TARGET` with at most `--config FILE`, anywhere: anything else takes the full path. */
function parseWarmArgv(argv: readonly string[]): { target: string; config?: string } | undefined {
  let command: string | undefined;
  let target: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i] ?? '';
    if (word === '--config' || word === '-c') {
      config = argv[i + 1];
      i += 1;
      if (config === undefined) return undefined;
    } else if (word.startsWith('--config=')) {
      config = word.slice('--config='.length);
    } else if (word.startsWith('-')) {
      return undefined;
    } else if (command === undefined) {
      command = word;
    } else if (target === undefined) {
      target = word;
    } else {
      return undefined;
    }
  }
  if (command !== 'credential-process' || target === undefined) return undefined;
  return { target, ...(config !== undefined ? { config } : {}) };
}

/**
 * The warm path, tried by main() first. Returns the exit code when the cache answered, undefined for anything
 * else (a miss, another command, any doubt), which then runs the full command with its proper errors.
 */
export async function tryWarmCredentialProcess(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  const parsed = parseWarmArgv(argv);
  if (!parsed) return undefined;
  try {
    const creds = await readWarmCredentials(warmTarget(io, parsed.config, parsed.target), warmOptions(io));
    if (!creds) return undefined;
    io.stdout.write(`${credentialProcessJson(creds)}\n`);
    return EXIT_OK;
  } catch {
    return undefined;
  }
}
