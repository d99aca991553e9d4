import type { Command } from 'commander';
import { resolveConfigPath, resolveCrossbarHome } from '../../core/config-location.js';
import { defaultSourceName, registrySources, type Registry } from '../../core/config/index.js';
import { createCrossbar } from '../../core/crossbar.js';
import { cacheEntryPath } from '../../core/credentials/index.js';
import { isCrossbarError } from '../../core/errors.js';
import { loadRegistryCached } from '../../core/registry-cache.js';
import type { CliContext } from '../context.js';
import { configFlag } from '../open-crossbar.js';
import { sourceEnv } from '../config-context.js';
import { unlinkSync } from 'node:fs';
import type { SsoSourceEntry } from './open-sso-session.js';

/** crossbar.yaml's sources, for `login` and `logout`: undefined when there is no crossbar.yaml (and none was asked for). */
export interface SsoSourcesFound {
  registry: Registry;
  sources: SsoSourceEntry[];
  defaultSource: string | undefined;
  endpoint: string | undefined;
  hasSso: boolean;
}

export async function loadSsoSources(
  ctx: CliContext,
  command: Command,
  required: boolean,
): Promise<SsoSourcesFound | undefined> {
  const { env, cwd } = ctx.io;
  let configPath: string;
  try {
    configPath = resolveConfigPath({ flag: configFlag(command), env, cwd });
  } catch (err) {
    if (!required && isCrossbarError(err) && err.code === 'CONFIG_NOT_FOUND') return undefined;
    throw err;
  }
  const registry = await loadRegistryCached(configPath, { home: resolveCrossbarHome(env, cwd) });
  const sources = registrySources(registry);
  return {
    registry,
    sources,
    defaultSource: defaultSourceName(registry),
    endpoint: registry.config.endpoint,
    hasSso: sources.some((s) => s.kind === 'sso'),
  };
}

/**
 * Forgets the role credentials cached for the accounts of one source: a new sign-in may be another person, and a
 * sign-out means those sessions are no longer to be served.
 */
export function forgetSourceCredentials(ctx: CliContext, registry: Registry, source: string): number {
  const home = resolveCrossbarHome(ctx.io.env, ctx.io.cwd);
  const crossbar = createCrossbar({ config: registry.config, registry, env: sourceEnv(ctx.io.env), home });
  let removed = 0;
  for (const account of registry.accounts.filter((a) => a.source === source))
    for (const role of account.roles) {
      try {
        unlinkSync(cacheEntryPath(home, crossbar.cacheEntryFor({ account, role })));
        removed += 1;
      } catch {
        // not cached
      }
    }
  return removed;
}
