import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/context.js';

/** Runs the CLI in-process with captured output: what a user would see, without spawning anything. */
export interface CapturedCli {
  io: CliIo;
  readonly stdout: string;
  readonly stderr: string;
  /** As Ctrl-C would. */
  interrupt(): void;
}

export function captureIo(env: Record<string, string | undefined> = {}, cwd = process.cwd()): CapturedCli {
  let stdout = '';
  let stderr = '';
  const controller = new AbortController();
  return {
    io: {
      stdout: {
        write: (s: string) => {
          stdout += s;
          return true;
        },
        isTTY: false,
      },
      stderr: {
        write: (s: string) => {
          stderr += s;
          return true;
        },
        isTTY: false,
      },
      env,
      cwd,
      signal: controller.signal,
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    interrupt: () => controller.abort('SIGINT'),
  };
}

export async function runCli(
  argv: string[],
  env: Record<string, string | undefined> = {},
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = captureIo(env, cwd);
  const code = await main(argv, cli.io);
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

/** Polls until `check` returns a value (e.g. the first line a long-running command prints). */
export async function waitFor<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting for the CLI');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The environment for the real AWS CLI: nothing from the developer's own AWS setup leaks in. */
export function awsCliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    ...extra,
  };
}
