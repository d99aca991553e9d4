import { createCrossbar } from '../../core/crossbar.js';
import { keyStoreFrom, sourceEnv, type OpenedCrossbar, type OpenOptions } from '../config-context.js';
import type { CliContext } from '../context.js';
import { keyringNotice } from '../secret-mode-warnings.js';
import { serverStatePath } from './server-state.js';
import { openSignedIn, wsPath } from './signed-in.js';
import { parseConsoleUrl, totpProviderFor, vendFor, vendingRemote } from './vend.js';
import { parseDetail } from './workspace-answers.js';
import { workspaceRegistry } from './workspace-registry.js';

/**
 * The composition root of a hop command with a current workspace: the workspace's accounts (as the server shows them
 * to this member) as the registry, and every target's credentials vended by the server, cached in the local
 * encrypted cache like any others (so that a warm credential-process never asks the server).
 */
export async function openWorkspaceCrossbar(
  ctx: CliContext,
  home: string,
  options: OpenOptions,
): Promise<OpenedCrossbar> {
  const signed = await openSignedIn(ctx, home);
  const { state, client } = signed;
  const workspace = state.workspace ?? '';
  const detail = await client.get(wsPath(workspace), parseDetail);
  const registry = workspaceRegistry(detail);
  const totpCode = totpProviderFor(ctx, options.mfaCode, `${state.username} on ${state.url}`);
  const crossbar = createCrossbar({
    config: registry.config,
    registry,
    env: sourceEnv(ctx.io.env),
    home,
    keyStore: keyStoreFrom(ctx.io.env['CROSSBAR_KEY_STORE']),
    onKeyringUnavailable: keyringNotice(ctx),
    remote: vendingRemote(ctx, signed, detail.workspace.name, totpCode),
  });
  return {
    crossbar,
    configPath: serverStatePath(home),
    workspace: {
      url: state.url,
      name: detail.workspace.name,
      username: state.username,
      consoleUrl: async (target, region) => {
        const request = { target, purpose: 'console', region } as const;
        return (await vendFor(ctx, signed, detail.workspace.name, request, parseConsoleUrl, totpCode)).value;
      },
    },
  };
}
