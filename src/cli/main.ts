import { setMaxListeners } from 'node:events';
import { Command, CommanderError, Help, Option } from 'commander';
import pc from 'picocolors';
import { colorEnabled, createContext, type CliContext, type CliIo } from './context.js';
import { OUTPUT_FORMATS } from './render/output.js';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, fromCommanderError, reportError } from './report-error.js';
import { packageVersion, processIo, tryFastPath } from './fast-path.js';
import { COMMANDS, findCommand, type CommandEntry } from './commands/index.js';
import type { CliRuntime } from './runtime.js';

/**
 * The crossbar CLI. `main` is the one exit point: every command returns its exit code here, every error
 * is printed here (report-error.ts), and nothing below calls process.exit.
 */

/**
 * Ctrl-C and SIGTERM abort `stop`. A second Ctrl-C while a command is shutting down means "now": that is the
 * one place the CLI exits on its own, because the user asked twice.
 */
function listenToProcessSignals(stop: AbortController): () => void {
  const onSignal = (name: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    stop.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

function linkSignal(source: AbortSignal, stop: AbortController): () => void {
  const onAbort = () => stop.abort(source.reason);
  if (source.aborted) onAbort();
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/**
 * The words of argv that name the command (`inventory sync`), options and the values of the global ones left
 * out; `crossbar help inventory sync` names the command whose help it shows.
 */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i] ?? '';
    if (word === '--') break;
    if (word === '-o' || word === '--output' || word === '-c' || word === '--config') i += 1;
    else if (!word.startsWith('-')) words.push(word);
  }
  return words[0] === 'help' ? words.slice(1) : words;
}

/**
 * The commander tree of the table. Every command gets its name and description from the table (all that
 * `--help` lists); only the command argv names (and its group's default subcommand) loads its module, which
 * adds its arguments, options and action. Keep the static imports of this file light (commander, renderers,
 * pure helpers): `credential-process` runs on every AWS CLI call and has 150 ms.
 */
async function addCommands(
  program: Command,
  runtime: CliRuntime,
  table: readonly CommandEntry[],
  argv: readonly string[],
): Promise<void> {
  const match = findCommand(table, commandWords(argv));
  const toLoad = new Set([match?.entry, match?.defaultChild]);
  // A command not loaded has no options or arguments yet: its parent's help lists it with the table's usage.
  const terms = new Map<Command, string>();
  const plain = new Help();
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? plain.subcommandTerm(cmd) });
  const byPath = new Map<string, Command>();
  for (const entry of table) {
    const name = entry.path.at(-1) ?? '';
    const parent = entry.path.length === 1 ? program : byPath.get(entry.path.slice(0, -1).join(' '));
    if (!parent) throw new Error(`the command table lists ${entry.path.join(' ')} before its group`);
    const command = parent
      .command(name, { ...(entry.isDefault ? { isDefault: true } : {}), ...(entry.hidden ? { hidden: true } : {}) })
      .description(entry.description);
    byPath.set(entry.path.join(' '), command);
    if (toLoad.has(entry) && entry.load) (await entry.load())(command, runtime);
    else if (entry.load) terms.set(command, entry.usage ? `${name} ${entry.usage}` : name);
  }
}

export async function buildProgram(
  io: CliIo,
  runtime: CliRuntime,
  argv: readonly string[] = [],
  table: readonly CommandEntry[] = COMMANDS,
): Promise<Command> {
  const program = new Command('crossbar')
    .description(
      'Operate many AWS accounts from one identity and one place: hop, run, bill, audit, share.\nTry it with no AWS account: `crossbar demo`.',
    )
    .version(packageVersion(), '-V, --version')
    .option('--debug', 'show stack traces and causes of errors')
    .option('--no-color', 'plain output without colours (also NO_COLOR=1)')
    .addOption(
      new Option('-o, --output <format>', 'how commands that print data print it (sarif: audit only)').choices([
        ...OUTPUT_FORMATS,
        'sarif',
      ]),
    )
    .option(
      '-c, --config <file>',
      'crossbar.yaml to use (default: $CROSSBAR_CONFIG, ./crossbar.yaml, ~/.config/crossbar/crossbar.yaml)',
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // Commander's own messages are re-printed in crossbar's format by main.
      outputError: () => {},
    });
  await addCommands(program, runtime, table, argv);
  return program;
}

/** The deepest command argv names (`crossbar sandbox start`), for the hint of a usage error. */
function commandPathOf(program: Command, argv: readonly string[]): string {
  const names = [program.name()];
  let current = program;
  for (const word of argv) {
    if (word.startsWith('-')) continue;
    const next = current.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) break;
    names.push(next.name());
    current = next;
  }
  return names.join(' ');
}

export { processIo } from './fast-path.js';

export interface MainOptions {
  /** The entry point tried the fast paths already (before it loaded this module): no second try. */
  fastPathTried?: boolean;
}

export async function main(argv: string[], io: CliIo = processIo(), options: MainOptions = {}): Promise<number> {
  // --version, and credential-process, which runs on every AWS call: a warm cache answers before anything is built.
  const fast = options.fastPathTried ? undefined : await tryFastPath(argv, io);
  if (fast !== undefined) return fast;
  const stop = new AbortController();
  // Every in-flight AWS call listens to this signal; a fan-out has hundreds at once, which is not a leak.
  setMaxListeners(0, stop.signal);
  const detach = io.signal ? linkSignal(io.signal, stop) : listenToProcessSignals(stop);
  // Known before parsing, so that even a parse error can be reported with --debug and without colour.
  const fallback = {
    debug: argv.includes('--debug'),
    colors: pc.createColors(colorEnabled({ color: !argv.includes('--no-color') }, io)),
    err: (text = '') => {
      io.stderr.write(`${text}\n`);
    },
  };
  let exitCode = EXIT_OK;
  let handlesInterrupts = false;
  let reporter: Pick<CliContext, 'err' | 'colors' | 'debug'> = fallback;
  const runtime: CliRuntime = {
    async run(command, body) {
      const ctx = createContext(command, io, stop.signal, () => {
        handlesInterrupts = true;
      });
      reporter = ctx;
      exitCode = await body(ctx);
    },
    runCommand: (commandArgv, commandIo) => main(commandArgv, commandIo),
    program: (words) => buildProgram(io, runtime, words),
    argv,
  };
  const interrupted = new Promise<'interrupted'>((resolve) => {
    if (stop.signal.aborted) resolve('interrupted');
    else stop.signal.addEventListener('abort', () => resolve('interrupted'), { once: true });
  });
  const program = await buildProgram(io, runtime, argv);
  const parsed = program.parseAsync(argv, { from: 'user' }).then(() => 'done' as const);
  try {
    // A command that does not handle Ctrl-C itself is abandoned with 130; one that does (sandbox start,
    // demo) shuts down cleanly and returns its own code.
    const first = await Promise.race([parsed, interrupted]);
    if (first === 'interrupted' && !handlesInterrupts) {
      parsed.catch(() => {});
      return EXIT_INTERRUPTED;
    }
    await parsed;
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, `crossbar help` and --version exit 0; `crossbar sandbox` without a subcommand printed its help
      // on stderr, a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help')
        return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
      return reportError(fromCommanderError(err, commandPathOf(program, argv)), reporter);
    }
    return reportError(err, reporter);
  } finally {
    detach();
  }
}
