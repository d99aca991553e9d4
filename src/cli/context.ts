import pc from 'picocolors';
import type { Command } from 'commander';
import { parseOutputFormat, type OutputFormat } from './render/output.js';
import { CrossbarError } from '../core/errors.js';
import type { RunningProgram } from './self-command.js';

export type Colors = ReturnType<typeof pc.createColors>;

/** Where the CLI talks to: injected so that tests run `main()` in-process and read what it printed. */
export interface CliStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Stops long-running commands (`sandbox start`, `demo --keep`) as Ctrl-C would. When absent, `main` listens
   * to SIGINT and SIGTERM of the process itself.
   */
  signal?: AbortSignal;
  /**
   * The program running (node, its flags, the bin script), when this is a real process: `aws-config` writes it
   * into `credential_process` when `crossbar` on PATH is not this program. Absent in-process (tests, a library).
   */
  program?: RunningProgram | undefined;
}

/** What every command receives: the io, the global options resolved once, and the stop signal. */
export interface CliContext {
  io: CliIo;
  colors: Colors;
  debug: boolean;
  /** Only set when the user passed `--output`; commands pick their own default. */
  output: OutputFormat | undefined;
  /** Aborted by Ctrl-C / SIGTERM (or `io.signal`): pass it to I/O so that an abandoned command stops too. */
  signal: AbortSignal;
  /**
   * A command that stops cleanly on Ctrl-C (stops a server, saves state) calls this and watches the signal;
   * main then waits for its exit code. Any other command is abandoned with exit code 130.
   */
  handleInterrupts(): AbortSignal;
  /** Writes one line (or several) to stdout. */
  out(text?: string): void;
  /** Writes a line to stderr: progress and notes, never data. */
  err(text?: string): void;
}

export interface GlobalOptions {
  debug?: boolean;
  color?: boolean;
  output?: string;
}

/** Colour only on a terminal, never with --no-color or NO_COLOR (no-color.org); FORCE_COLOR turns it on. */
export function colorEnabled(options: GlobalOptions, io: CliIo): boolean {
  if (options.color === false || (io.env.NO_COLOR ?? '') !== '') return false;
  if ((io.env.FORCE_COLOR ?? '') !== '' && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true && io.env.TERM !== 'dumb';
}

/** SARIF is a report format of `crossbar audit` only; the audit reads it from `--format` or `-o sarif`. */
function outputOf(command: Command, value: string | undefined): OutputFormat | undefined {
  if (value === undefined) return undefined;
  if (value === 'sarif') {
    const isAudit = command.name() === 'audit' || command.parent?.name() === 'audit';
    if (isAudit) return undefined;
    throw new CrossbarError('USAGE', `-o sarif is for crossbar audit only`, {
      hint: 'use table, json, csv or ndjson here',
    });
  }
  return parseOutputFormat(value);
}

export function createContext(
  command: Command,
  io: CliIo,
  signal: AbortSignal,
  onHandleInterrupts: () => void,
): CliContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const line =
    (stream: CliStream) =>
    (text = '') => {
      stream.write(`${text}\n`);
    };
  return {
    io,
    colors: pc.createColors(colorEnabled(options, io)),
    debug: options.debug === true,
    output: outputOf(command, options.output),
    signal,
    handleInterrupts() {
      onHandleInterrupts();
      return signal;
    },
    out: line(io.stdout),
    err: line(io.stderr),
  };
}

/** Resolves when the signal fires: how `sandbox start` and `demo --keep` wait for Ctrl-C. */
export function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
