import { spawn, type StdioOptions } from 'node:child_process';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { CliIo, CliStream } from './context.js';

/**
 * Runs a command as `exec` and `shell` do: in the foreground, like a shell runs a job. The child's exit code is
 * the result; a child killed by signal N gives 128+N, as shells report it.
 */
export interface ChildSpec {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
  /** `ignore` when our own stdin is a script of lines the child must not eat (`shell` on a pipe). */
  stdin: 'inherit' | 'ignore';
}

/** 127 and 126 are what shells return for a command not found and not executable. */
export const EXIT_NOT_FOUND = 127;
export const EXIT_NOT_EXECUTABLE = 126;

function signalNumber(name: NodeJS.Signals): number {
  return constants.signals[name] ?? 0;
}

/** The process's own streams are handed to the child as they are; captured ones (tests) are fed chunk by chunk. */
function outputFor(stream: CliStream, own: NodeJS.WriteStream): 'inherit' | 'pipe' {
  return stream === own ? 'inherit' : 'pipe';
}

function forward(from: Readable | null, to: CliStream): void {
  if (!from) return;
  const decoder = new StringDecoder('utf8');
  from.on('data', (chunk: Buffer) => to.write(decoder.write(chunk)));
  from.on('end', () => {
    const rest = decoder.end();
    if (rest) to.write(rest);
  });
}

/**
 * While a foreground child runs, Ctrl-C belongs to it: the terminal sends SIGINT to the whole process group, and
 * crossbar, like a shell, ignores it and waits for the child to decide. Only when crossbar owns the process
 * (no injected io.signal) are the process's SIGINT listeners set aside, and they are restored afterwards.
 */
function ignoreSigint(io: CliIo): () => void {
  if (io.signal) return () => {};
  const saved = process.listeners('SIGINT');
  const ignore = () => {};
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', ignore);
  return () => {
    process.off('SIGINT', ignore);
    for (const listener of saved) process.on('SIGINT', listener);
  };
}

export function runChild(io: CliIo, spec: ChildSpec, signal: AbortSignal): Promise<number> {
  const stdio: StdioOptions = [spec.stdin, outputFor(io.stdout, process.stdout), outputFor(io.stderr, process.stderr)];
  const restore = ignoreSigint(io);
  return new Promise<number>((resolve) => {
    const child = spawn(spec.command, [...spec.args], { env: spec.env, cwd: spec.cwd, stdio });
    forward(child.stdout, io.stdout);
    forward(child.stderr, io.stderr);
    // SIGTERM to crossbar (or an injected stop) goes on to the child; its exit code then tells what happened.
    const onAbort = () => {
      const reason: unknown = signal.reason;
      child.kill(reason === 'SIGINT' || reason === 'SIGTERM' || reason === 'SIGHUP' ? reason : 'SIGTERM');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    let done = false;
    const finish = (code: number) => {
      if (done) return;
      done = true;
      signal.removeEventListener('abort', onAbort);
      restore();
      resolve(code);
    };
    child.once('error', (err: NodeJS.ErrnoException) => {
      const notFound = err.code === 'ENOENT';
      io.stderr.write(`crossbar: ${spec.command}: ${notFound ? 'command not found' : err.message}\n`);
      finish(notFound ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
    });
    child.once('close', (code, sig) => finish(code ?? (sig ? 128 + signalNumber(sig) : 1)));
  });
}
