import type { Command } from 'commander';
import type { CliContext, CliIo } from './context.js';

/**
 * What command files get from main: a way to run their body with a context and report its exit code. It lives
 * apart from main.ts so that a command imports this type and not the file that imports every command.
 */
export interface CliRuntime {
  run(command: Command, body: (ctx: CliContext) => Promise<number>): Promise<void>;
  /** The commander tree with the command `words` names loaded (its options known): what completion lists. */
  program(words: readonly string[]): Promise<Command>;
  /** The words the CLI was run with (what commander parsed), for the few commands that read where `--` was. */
  readonly argv: readonly string[];
  /** Runs another crossbar command in-process with its own io, as `crossbar demo` runs crossbar's commands. */
  runCommand(argv: string[], io: CliIo): Promise<number>;
}

/**
 * What a command module exports for the command table: it adds its arguments, options, help text and action to
 * `command`, which main has already created with the table's name and description.
 */
export type DefineCommand = (command: Command, runtime: CliRuntime) => void;
