import { resolve } from 'node:path';
import { loadConfigFile, type Config, type Registry } from '../core/config/index.js';
import { CrossbarError } from '../core/errors.js';
import { importWorkspaces, type ImportLine, type TeamStore } from '../core/team/index.js';
import type { CliContext } from './context.js';

/** crossbar.yaml's workspaces and shortcuts, read (and validated) before the server opens anything. */
export function readImport(ctx: CliContext, file: string): { path: string; config: Config } {
  const path = resolve(ctx.io.cwd, file);
  return { path, config: loadConfigFile(path) };
}

/** Runs `--import` against the server's registry and returns what to print, one line per workspace/shortcut. */
export async function runImport(
  store: TeamStore,
  registry: Registry | undefined,
  config: Config,
  now: () => number,
): Promise<string[]> {
  if (!registry)
    throw new CrossbarError('USAGE', '--import needs the registry its workspaces select accounts from', {
      hint: 'pass --config crossbar.yaml too (or run where crossbar.yaml is found)',
    });
  const lines = await importWorkspaces(store, registry, config, { now });
  if (lines.length === 0) return ['nothing to import: the file has no workspaces'];
  return lines.map(describeLine);
}

function describeLine(line: ImportLine): string {
  const where = line.workspace ? ` in ${line.workspace}` : '';
  return `${line.outcome.padEnd(7)} ${line.what} ${line.name}${where}${line.why ? ` (${line.why})` : ''}`;
}
