import { resolveConfigPath, resolveCrossbarHome } from '../core/config-location.js';
import { createCrossbar, type Crossbar } from '../core/crossbar.js';
import { isCrossbarError } from '../core/errors.js';
import { loadRegistryCached } from '../core/registry-cache.js';
import { keyStoreFrom, sourceEnv } from './config-context.js';
import type { CliContext } from './context.js';

/**
 * The crossbar root of `crossbar serve`: crossbar.yaml found as every command finds it (`--config`,
 * CROSSBAR_CONFIG, ./crossbar.yaml, ~/.config/crossbar/crossbar.yaml), its registry, and the source identity from
 * the server's environment. The server never prompts: a role that needs the source's MFA code fails with
 * MFA_REQUIRED. Without `--config`/CROSSBAR_CONFIG and with no file found, the server runs without a registry
 * (undefined): sign-in works, workspaces reach nothing and say so (503); `fallback` (the file of `--import`) is
 * used then instead. The credential cache key lives in a file under CROSSBAR_HOME unless CROSSBAR_KEY_STORE says
 * otherwise: a server usually has no desktop keyring.
 */
export async function openServerCrossbar(
  ctx: CliContext,
  configFlag: string | undefined,
  fallback?: string,
): Promise<{ crossbar: Crossbar; configPath: string } | undefined> {
  const { env, cwd } = ctx.io;
  const explicit = configFlag !== undefined || Boolean(env['CROSSBAR_CONFIG']);
  let configPath: string;
  try {
    configPath = resolveConfigPath({ flag: configFlag, env, cwd });
  } catch (err) {
    if (explicit || !isCrossbarError(err) || err.code !== 'CONFIG_NOT_FOUND') throw err;
    if (fallback === undefined) return undefined;
    configPath = fallback;
  }
  const home = resolveCrossbarHome(env, cwd);
  const registry = await loadRegistryCached(configPath, { home });
  const crossbar = createCrossbar({
    config: registry.config,
    registry,
    env: sourceEnv(env),
    home,
    keyStore: keyStoreFrom(env['CROSSBAR_KEY_STORE']) ?? 'file',
  });
  return { crossbar, configPath };
}
