import { join } from 'node:path';
import { homeOf, resolveConfigPath, resolveCrossbarHome } from '../core/config-location.js';
import { createCrossbar, type Crossbar } from '../core/crossbar.js';
import type { KeyStore, MfaCodeProvider } from '../core/credentials/index.js';
import { CrossbarError } from '../core/errors.js';
import { loadRegistryCached } from '../core/registry-cache.js';
import type { CliContext } from './context.js';
import type { ResolvedTarget } from '../core/select/index.js';
import { anyTerminalAsk } from './prompt.js';
import { keyringNotice, warnLooseModes } from './secret-mode-warnings.js';
import { workspaceStateText } from './team/server-state.js';

/**
 * Loads crossbar.yaml and builds the composition root for a command: where the file is (DESIGN.md's lookup),
 * where state lives, how an MFA code is obtained, and which environment the source is read from. This module
 * pulls in yaml, zod and the AWS SDK; commands import it lazily so that `--help` and the warm
 * `credential-process` path stay fast.
 */
export interface OpenOptions {
  /** `--config FILE` */
  config?: string | undefined;
  /** `--mfa-code CODE` */
  mfaCode?: string | undefined;
}

export interface OpenedCrossbar {
  crossbar: Crossbar;
  /** crossbar.yaml, or server.json when the accounts and credentials are a team server's workspace's. */
  configPath: string;
  /** Set when the root is a workspace of a team server (`crossbar workspace use`): credentials are vended. */
  workspace?: {
    url: string;
    name: string;
    username: string;
    /** A console sign-in URL for a target, made by the server (its session, its federation endpoint). */
    consoleUrl(target: ResolvedTarget, region: string): Promise<string>;
  };
}

/**
 * `--mfa-code`, else CROSSBAR_MFA_CODE, else a prompt on the terminal. Without any, the engine fails an MFA role
 * with MFA_REQUIRED, whose hint names all three ways.
 */
export function mfaCodeProviderFor(ctx: CliContext, flag: string | undefined): MfaCodeProvider | undefined {
  const given = flag ?? (ctx.io.env['CROSSBAR_MFA_CODE'] || undefined);
  if (given !== undefined) return () => Promise.resolve(given.trim());
  // Asked for only when a code is needed: opening the controlling terminal up front would cost every run.
  return (serial) => {
    const ask = anyTerminalAsk(ctx.io, ctx.signal);
    if (!ask)
      return Promise.reject(
        new CrossbarError(
          'MFA_REQUIRED',
          `This role needs an MFA code from ${serial} and there is no terminal to ask on`,
          {
            hint: 'run `crossbar unlock ACCOUNT:ROLE` on a terminal first (the MFA session it opens serves later calls), or pass --mfa-code or set CROSSBAR_MFA_CODE',
          },
        ),
      );
    return ask(`MFA code for ${serial}: `);
  };
}

export function keyStoreFrom(value: string | undefined): KeyStore | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'file' || value === 'keyring' || value === 'auto') return value;
  throw new CrossbarError('USAGE', `CROSSBAR_KEY_STORE must be file, keyring or auto (got '${value}')`);
}

/**
 * The environment the source is resolved from, with the AWS files made explicit: the SDK would otherwise look
 * in the process's own home, and `HOME` here is the one the CLI was given.
 */
export function sourceEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const home = homeOf(env);
  return {
    ...env,
    AWS_CONFIG_FILE: env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'),
  };
}

export async function openCrossbar(ctx: CliContext, options: OpenOptions = {}): Promise<OpenedCrossbar> {
  const { env, cwd } = ctx.io;
  const home = resolveCrossbarHome(env, cwd);
  // Before anything writes under home (the registry cache would tighten a loose home without a word).
  warnLooseModes(ctx, home);
  // A current workspace of a team server, and no --config: its accounts, and credentials vended by the server.
  if (options.config === undefined && workspaceStateText(home) !== undefined) {
    const { openWorkspaceCrossbar } = await import('./team/workspace-crossbar.js');
    return openWorkspaceCrossbar(ctx, home, options);
  }
  const configPath = resolveConfigPath({ flag: options.config, env, cwd });
  // Parsed once per edit of the file, not once per command (registry-cache.ts).
  const registry = await loadRegistryCached(configPath, { home });
  const mfaCodeProvider = mfaCodeProviderFor(ctx, options.mfaCode);
  const keyStore = keyStoreFrom(env['CROSSBAR_KEY_STORE']);
  const crossbar = createCrossbar({
    config: registry.config,
    registry,
    env: sourceEnv(env),
    home,
    mfaCodeProvider,
    keyStore,
    onKeyringUnavailable: keyringNotice(ctx),
  });
  return { crossbar, configPath };
}
