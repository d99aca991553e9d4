import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
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
  const given = env['CROSSBAR_HOME'];
  const home = given ? (isAbsolute(given) ? given : resolve(cwd, given)) : join(homeOf(env), '.crossbar');
  checkStateDirectory(home, given ? 'CROSSBAR_HOME' : "crossbar's state directory");
  return home;
}

/**
 * The state directory must be a directory, or be creatable as one: a file in its place (or in the place of a
 * parent) would surface later as a raw ENOTDIR from deep inside the cache. Checked once, named once.
 */
export function checkStateDirectory(home: string, label: string): void {
  for (let path = home; ; path = dirname(path)) {
    const stat = statQuietly(path);
    if (stat) {
      if (stat.isDirectory()) return;
      throw new CrossbarError(
        'CONFIG_INVALID',
        path === home
          ? `${label} ${home} is a file, not a directory`
          : `${label} ${home} cannot be a directory: ${path} is a file`,
        {
          hint: 'Point CROSSBAR_HOME at a directory (crossbar creates it if missing), or move the file out of the way',
        },
      );
    }
    if (dirname(path) === path) return;
  }
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

/** A stat that says "not there" for a missing path and for one under a file (ENOTDIR): the walk goes up. */
function statQuietly(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
