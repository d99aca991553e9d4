import { readFileSync } from 'node:fs';
import type { CliIo } from './context.js';
import { EXIT_OK } from './exit-codes.js';
import { runningProgram } from './self-command.js';

/**
 * What the entry points (bin/crossbar.js, src/cli/run.ts) try before they load main.ts: `crossbar --version` and a
 * warm `credential-process TARGET`. main.ts brings commander, the renderers and the command table (~40 ms of
 * module loading, as much as Node's own start-up); these two answer with node built-ins and a few small modules.
 * Anything else, or any doubt, returns undefined and main() runs the command in full.
 */
export function packageVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string'
      ? pkg.version
      : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    program: runningProgram(),
  };
}

/** The exit code when a fast path answered; undefined when main() must run. */
export async function tryFastPath(argv: readonly string[], io: CliIo): Promise<number | undefined> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    // What commander prints for .version(): the version and a newline.
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT_OK;
  }
  // Only credential-process loads the warm path's modules (the cache key, decryption, the target index).
  if (!argv.includes('credential-process')) return undefined;
  const { tryWarmCredentialProcess } = await import('./commands/credential-process-warm.js');
  return tryWarmCredentialProcess(argv, io);
}
