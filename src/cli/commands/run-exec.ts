import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Credentials } from '../../core/credentials/index.js';
import { childEnv, targetEnv } from '../../core/env-vars.js';
import { TargetFailure, type FanoutTarget } from '../../core/fanout/index.js';

/**
 * `crossbar run SELECTOR --exec -- CMD...`: CMD once per target, with that target's credentials in the same
 * variables `crossbar exec` sets (core/env-vars.ts), output captured rather than inherited. A non-zero exit
 * fails the target but keeps what it printed.
 */
export interface ExecOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Output beyond the cap was dropped (the head is kept). */
  truncated?: boolean;
}

export interface ExecTargetOptions {
  argv: readonly string[];
  baseEnv: Readonly<Record<string, string | undefined>>;
  cwd: string;
  endpoint: string | undefined;
  /** Bytes kept per stream (default 1 MiB). */
  maxBytes?: number;
}

function collector(maxBytes: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  return {
    add(chunk: Buffer) {
      if (size >= maxBytes) {
        truncated = true;
        return;
      }
      const part = chunk.subarray(0, maxBytes - size);
      if (part.length < chunk.length) truncated = true;
      chunks.push(part);
      size += part.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    get truncated() {
      return truncated;
    },
  };
}

/** Runs the command for one target; resolves with its output, or throws TargetFailure carrying it. */
export function execForTarget(
  options: ExecTargetOptions,
  target: FanoutTarget,
  credentials: Credentials,
  signal: AbortSignal,
): Promise<ExecOutput> {
  const [command, ...args] = options.argv;
  if (command === undefined) return Promise.reject(new Error('no command'));
  const vars = targetEnv({
    credentials,
    accountId: target.account.id,
    accountName: target.account.name,
    stage: target.account.stage,
    role: target.role.key,
    region: target.region,
    endpoint: options.endpoint,
  });
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return new Promise<ExecOutput>((resolve, reject) => {
    const child = spawn(command, args, {
      env: childEnv(options.baseEnv, vars),
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
      killSignal: 'SIGTERM',
    });
    const out = collector(maxBytes);
    const err = collector(maxBytes);
    child.stdout.on('data', (c: Buffer) => out.add(c));
    child.stderr.on('data', (c: Buffer) => err.add(c));
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.once('close', (code, sig) => {
      if (signal.aborted) return reject(signal.reason);
      if (spawnError) {
        // The command never ran: `close` then carries a negative errno, not an exit code.
        const notFound = spawnError.code === 'ENOENT';
        return reject(
          new TargetFailure<ExecOutput>(
            { code: 'ERROR', message: `${command}: ${notFound ? 'command not found' : spawnError.message}` },
            { exitCode: notFound ? 127 : 126, stdout: '', stderr: '' },
          ),
        );
      }
      const exitCode = code ?? (sig ? 128 + (constants.signals[sig] ?? 0) : 1);
      const output: ExecOutput = {
        exitCode,
        stdout: out.text(),
        stderr: err.text(),
        ...(out.truncated || err.truncated ? { truncated: true } : {}),
      };
      if (exitCode === 0) return resolve(output);
      const firstLine = output.stderr.trim().split('\n')[0] ?? '';
      reject(
        new TargetFailure<ExecOutput>(
          { code: 'ERROR', message: `${command} exited with ${exitCode}${firstLine ? `: ${firstLine}` : ''}` },
          output,
        ),
      );
    });
  });
}
