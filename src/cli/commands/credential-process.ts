import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { resolveConfigPath, resolveCrossbarHome } from '../../core/config-location.js';
import type { AccountCredentials } from '../../core/credentials/credentials.js';
import { isCrossbarError } from '../../core/errors.js';
import {
  readWarmCredentials,
  recordTargetIndex,
  type WarmOptions,
  type WarmTarget,
} from '../../core/warm-credentials.js';
import type { CliContext, CliIo } from '../context.js';
import type { CliRuntime } from '../main.js';
import { configFlag, openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { EXIT_FAILED, EXIT_OK } from '../report-error.js';

/**
 * `crossbar credential-process TARGET`, for `credential_process =` in ~/.aws/config: the AWS CLI and every SDK
 * run it and read Version 1 JSON on stdout. Errors are one line on stderr (the AWS tools show it as is). This
 * module stays light: on a warm cache it answers from the target index (warm-credentials.ts) before yaml, zod
 * or the AWS SDK are loaded, and main() tries that before even building the command tree.
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

function warmTarget(io: CliIo, config: string | undefined, target: string): WarmTarget {
  const configPath = resolveConfigPath({ flag: config, env: io.env, cwd: io.cwd });
  return {
    home: resolveCrossbarHome(io.env, io.cwd),
    configPath,
    configText: readFileSync(configPath, 'utf8'),
    target,
    env: io.env,
  };
}

function warmOptions(io: CliIo): WarmOptions {
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

/** One line, as the AWS CLI shows a credential process's stderr verbatim inside its own error. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const hint = isCrossbarError(err) ? err.hint : undefined;
  return `crossbar: ${message}${hint ? ` (${hint})` : ''}`.replace(/\s*\n\s*/g, '; ');
}

export async function runCredentialProcess(
  ctx: CliContext,
  command: Command,
  target: string,
  flags: HopFlags,
): Promise<number> {
  try {
    const warm = warmTarget(ctx.io, configFlag(command), target);
    const hit = await readWarmCredentials(warm, warmOptions(ctx.io)).catch(() => undefined);
    if (hit) {
      ctx.out(credentialProcessJson(hit));
      return EXIT_OK;
    }
    const { crossbar } = await openCrossbarFor(ctx, command, flags);
    const resolved = crossbar.resolveTarget(target);
    const creds = await crossbar.credentials(resolved);
    try {
      recordTargetIndex(warm, crossbar.cacheEntryFor(resolved));
    } catch {
      // The index only speeds up the next call; failing to write it must not fail this one.
    }
    ctx.out(credentialProcessJson(creds));
    return EXIT_OK;
  } catch (err) {
    if (ctx.debug) throw err;
    ctx.err(oneLine(err));
    return isCrossbarError(err) ? err.exitCode : EXIT_FAILED;
  }
}

export function registerCredentialProcess(program: Command, runtime: CliRuntime): void {
  program
    .command('credential-process')
    .description('print Version 1 JSON credentials of a target, for `credential_process =` in ~/.aws/config')
    .argument('<target>', 'NAME[:ROLE] or a shortcut such as /switch-to-prod')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
    .addHelpText(
      'after',
      '\nExample profile:\n  [profile acme-production]\n  credential_process = crossbar credential-process production --config /path/to/crossbar.yaml',
    )
    .action((target: string, flags: HopFlags, command: Command) =>
      runtime.run(command, (ctx) => runCredentialProcess(ctx, command, target, flags)),
    );
}
