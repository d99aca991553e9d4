import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * What `credential_process =` should run: `crossbar` when the `crossbar` on PATH is this very program, else
 * this program by absolute paths (node, its module flags, the bin script), so that a profile written from an
 * `npx` run or a checkout works in a new terminal. Directories that npx and `npm exec` put on PATH only for the
 * length of their run (`node_modules/.bin`) do not count: the AWS CLI will not have them.
 */
export interface RunningProgram {
  /** process.execPath */
  node: string;
  /** process.execArgv: `--import tsx` and the like, needed to run the script again. */
  execArgv: readonly string[];
  /** process.argv[1]: the script node ran (bin/crossbar.js, or src/cli/run.ts from a checkout). */
  script: string;
}

export function runningProgram(): RunningProgram | undefined {
  const script = process.argv[1];
  return script ? { node: process.execPath, execArgv: process.execArgv, script } : undefined;
}

export interface SelfCommand {
  /** The words to write; undefined for plain `crossbar`. */
  words: string[] | undefined;
  /** One line for stderr: which command was written, and why. */
  note: string;
}

export interface SelfCommandDeps {
  realpath(path: string): string;
  isExecutable(path: string): boolean;
}

const defaultDeps: SelfCommandDeps = {
  realpath: (path) => realpathSync(path),
  isExecutable: (path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

const TRANSIENT_BIN = /[\\/]node_modules[\\/]\.bin[\\/]?$/;

/** The first `crossbar` on PATH, leaving out the directories npx and npm exec add for one run. */
export function crossbarOnPath(pathVar: string | undefined, deps: SelfCommandDeps = defaultDeps): string | undefined {
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '' || TRANSIENT_BIN.test(dir)) continue;
    const candidate = join(dir, 'crossbar');
    if (deps.isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Debugger and profiler flags belong to this run, not to every AWS call. */
function keptExecArgv(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => !/^--(inspect|debug|cpu-prof|heap-prof|prof)/.test(a));
}

export function resolveSelfCommand(
  program: RunningProgram,
  env: Readonly<Record<string, string | undefined>>,
  deps: SelfCommandDeps = defaultDeps,
): SelfCommand {
  const real = (p: string) => {
    try {
      return deps.realpath(p);
    } catch {
      return p;
    }
  };
  const script = real(program.script);
  const onPath = crossbarOnPath(env['PATH'], deps);
  if (onPath && real(onPath) === script)
    return { words: undefined, note: `credential_process runs \`crossbar\` (${onPath} on PATH is this program)` };
  const words = [program.node, ...keptExecArgv(program.execArgv), script];
  const why = onPath
    ? `\`crossbar\` on PATH (${onPath}) is another program`
    : '`crossbar` is not on PATH (an npx run or a checkout)';
  const npx = /[\\/]_npx[\\/]/.test(script)
    ? '; npx keeps it in its cache: `npm install -g crossbar-aws` gives a path that stays'
    : '';
  return {
    words,
    note: `credential_process runs ${words.join(' ')}: ${why}${npx}; --crossbar-command sets another`,
  };
}
