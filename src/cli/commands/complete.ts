import type { Command } from 'commander';
import type { CliIo } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { COMMANDS, type CommandEntry } from './index.js';

/**
 * `crossbar __complete --line "crossbar exec pro"`: the words that may come next, one per line, for the
 * completion scripts of `crossbar completion bash|zsh|fish`. Commands and subcommands from the command table,
 * flags from the command's own definition, and account names, aliases, `NAME:ROLE`s, shortcuts and `all` from
 * crossbar.yaml where a command takes a target or a selector. Hidden from --help; never fails (a broken
 * crossbar.yaml just offers no names).
 */
const VALUE_OPTIONS = new Set(['-c', '--config', '-o', '--output']);
const OUTPUTS = ['table', 'json', 'csv', 'ndjson'];

export interface Completion {
  /** The words typed before the current one, the program name left out. */
  before: string[];
  current: string;
}

export function splitLine(line: string): Completion {
  const words = line.split(/\s+/).filter((w, i, all) => w !== '' || i === all.length - 1);
  const current = /\s$/.test(line) ? '' : (words.pop() ?? '');
  if (/\s$/.test(line) && words.at(-1) === '') words.pop();
  // `xb` (shell-init) is `crossbar env`: it completes as env does.
  return { before: words[0] === 'xb' ? ['env', ...words.slice(1)] : words.slice(1), current };
}

/** The deepest entry of the table the typed words name, and the words that were not options. */
function commandOf(
  before: readonly string[],
  table: readonly CommandEntry[],
): { entry?: CommandEntry; config?: string; path: string[] } {
  const plain: string[] = [];
  let config: string | undefined;
  for (let i = 0; i < before.length; i += 1) {
    const word = before[i] ?? '';
    if (word === '--') break;
    if (VALUE_OPTIONS.has(word)) {
      if (word === '-c' || word === '--config') config = before[i + 1];
      i += 1;
    } else if (!word.startsWith('-')) plain.push(word);
  }
  let entry: CommandEntry | undefined;
  for (const e of table)
    if (e.path.every((w, i) => plain[i] === w) && e.path.length > (entry?.path.length ?? 0)) entry = e;
  return {
    ...(entry ? { entry } : {}),
    ...(config !== undefined ? { config } : {}),
    path: entry ? [...entry.path] : [],
  };
}

async function registryNames(io: CliIo, config: string | undefined, current: string): Promise<string[]> {
  try {
    const { resolveConfigPath } = await import('../../core/config-location.js');
    const { buildRegistry, loadConfigFile } = await import('../../core/config/index.js');
    const registry = buildRegistry(loadConfigFile(resolveConfigPath({ flag: config, env: io.env, cwd: io.cwd })));
    const names = registry.accounts.flatMap((a) => [a.name, ...(a.alias ? [a.alias] : [])]);
    // After `NAME:`, the roles of that account.
    const roles = current.includes(':')
      ? registry.accounts.flatMap((a) => a.roles.map((r) => `${a.name}:${r.key}`))
      : [];
    return [...names, ...roles, ...registry.config.shortcuts.map((s) => s.name), 'all'];
  } catch {
    return [];
  }
}

/** The names of crossbar.yaml's sources (`default` first), for commands that take a source (`rotate`). */
async function sourceNames(io: CliIo, config: string | undefined): Promise<string[]> {
  try {
    const { resolveConfigPath } = await import('../../core/config-location.js');
    const { loadConfigFile, registrySources } = await import('../../core/config/index.js');
    const loaded = loadConfigFile(resolveConfigPath({ flag: config, env: io.env, cwd: io.cwd }));
    return registrySources({ config: loaded }).map((s) => s.name);
  } catch {
    return [];
  }
}

async function flagsOf(path: readonly string[], runtime: CliRuntime): Promise<string[]> {
  const program = await runtime.program(path);
  let command: Command | undefined = program;
  for (const word of path) command = command?.commands.find((c) => c.name() === word);
  const own = command && command !== program ? command.options : [];
  return [...own, ...program.options].flatMap((o) => (o.long ? [o.long] : []));
}

export async function completions(
  line: string,
  io: CliIo,
  runtime: CliRuntime,
  table: readonly CommandEntry[] = COMMANDS,
): Promise<string[]> {
  const { before, current } = splitLine(line);
  const previous = before.at(-1);
  const { entry, config, path } = commandOf(before, table);
  let candidates: string[];
  if (previous === '-o' || previous === '--output') candidates = OUTPUTS;
  else if (previous === '-c' || previous === '--config') candidates = [];
  else if (current.startsWith('-')) candidates = await flagsOf(path, runtime);
  else {
    const subcommands = table
      .filter((e) => e.hidden !== true && e.path.length === path.length + 1 && path.every((w, i) => e.path[i] === w))
      .map((e) => e.path.at(-1) ?? '');
    const takesNames = entry?.usage !== undefined && /target|selector/.test(entry.usage);
    const takesSource = entry?.usage !== undefined && /\bsource\b/.test(entry.usage);
    candidates = [
      ...subcommands,
      ...(takesNames ? await registryNames(io, config, current) : []),
      ...(takesSource ? await sourceNames(io, config) : []),
    ];
  }
  return [...new Set(candidates)].filter((c) => c.startsWith(current));
}

export function defineComplete(command: Command, runtime: CliRuntime): void {
  command
    .requiredOption('--line <text>', 'the command line up to the cursor')
    .action((flags: { line: string }, command: Command) =>
      runtime.run(command, async (ctx) => {
        for (const c of await completions(flags.line, ctx.io, runtime)) ctx.out(c);
        return EXIT_OK;
      }),
    );
}
