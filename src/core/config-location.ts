import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { CrossbarError } from './errors.js';

/**
 * Where crossbar.yaml and crossbar's state live, as DESIGN.md says: `--config`, then `CROSSBAR_CONFIG`, then
 * `./crossbar.yaml`, then `~/.config/crossbar/crossbar.yaml`; state under `CROSSBAR_HOME` (default
 * `~/.crossbar`). Only node built-ins here: `credential-process` resolves this on every AWS call.
 */
export type Env = Readonly<Record<string, string | undefined>>;

/** The user's home: `HOME` from the environment given (tests point it at a temp dir), else the OS's. */
export function homeOf(env: Env): string {
  return env['HOME'] || env['USERPROFILE'] || homedir();
}

export function resolveCrossbarHome(env: Env, cwd: string): string {
  const home = env['CROSSBAR_HOME'];
  if (home) return isAbsolute(home) ? home : resolve(cwd, home);
  return join(homeOf(env), '.crossbar');
}

export interface ConfigLookup {
  /** `--config FILE` */
  flag?: string | undefined;
  env: Env;
  cwd: string;
  exists?: (path: string) => boolean;
}

/** The config file to read. An explicit choice that does not exist is an error naming it, not a fallback. */
export function resolveConfigPath(lookup: ConfigLookup): string {
  const exists = lookup.exists ?? existsSync;
  const explicit = lookup.flag ?? (lookup.env['CROSSBAR_CONFIG'] || undefined);
  if (explicit !== undefined) {
    const path = resolve(lookup.cwd, explicit);
    if (!exists(path)) {
      const from = lookup.flag !== undefined ? '--config' : 'CROSSBAR_CONFIG';
      throw new CrossbarError('CONFIG_NOT_FOUND', `${path} does not exist (from ${from})`, {
        hint: 'Pass the path of your crossbar.yaml, or create one with `crossbar init`',
      });
    }
    return path;
  }
  const candidates = [
    join(lookup.cwd, 'crossbar.yaml'),
    join(homeOf(lookup.env), '.config', 'crossbar', 'crossbar.yaml'),
  ];
  const found = candidates.find((c) => exists(c));
  if (found) return found;
  throw new CrossbarError('CONFIG_NOT_FOUND', `No crossbar.yaml found (looked for ${candidates.join(' and ')})`, {
    hint: 'Create one with `crossbar init`, pass --config FILE or set CROSSBAR_CONFIG; `crossbar sandbox start --write-config DIR` writes one for the sandbox',
  });
}
