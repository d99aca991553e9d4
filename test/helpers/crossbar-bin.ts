import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliEnv } from './world.js';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** crossbar from source in a real process: absolute paths, since the AWS CLI runs it from anywhere. */
export const CROSSBAR = ['node', '--import', import.meta.resolve('tsx'), join(REPO, 'src/cli/run.ts')] as const;

/**
 * The command line the generated `credential_process` profiles run in tests: crossbar from source through
 * tsx, with absolute paths, since the AWS CLI runs it from wherever it runs. The CLI entry is `src/cli/run.ts`.
 */
export function crossbarCommand(): string {
  return CROSSBAR.join(' ');
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program with the given environment (nothing else of this process's), optionally feeding stdin. */
export function runProcess(
  argv: readonly string[],
  env: CliEnv,
  options: { input?: string; cwd?: string } = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const [program = '', ...args] = argv;
    const child = spawn(program, args, {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
      cwd: options.cwd ?? REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A child that exits without reading its input closes the pipe first: EPIPE here is not the test's failure.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') reject(err);
    });
    child.stdin.end(options.input ?? '');
  });
}
