import { resolveCrossbarHome } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { ServerClient } from './server-client.js';
import { loadServerState, type ServerState } from './server-state.js';
import { loadToken, osTokenKeyring } from './token-store.js';

/** The CLI signed in to a team server: where it remembers that, and a client carrying its token. */
export interface SignedIn {
  home: string;
  state: ServerState;
  client: ServerClient;
}

export function crossbarHomeOf(ctx: CliContext): string {
  return resolveCrossbarHome(ctx.io.env, ctx.io.cwd);
}

/** The sign-in `crossbar login` left, or undefined when there is none. */
export function currentSignIn(ctx: CliContext): { home: string; state: ServerState | undefined } {
  const home = crossbarHomeOf(ctx);
  return { home, state: loadServerState(home) };
}

/** The signed-in client, or one line saying to run `crossbar login`. */
export async function openSignedIn(ctx: CliContext, home = crossbarHomeOf(ctx)): Promise<SignedIn> {
  const state = loadServerState(home);
  if (!state)
    throw new CrossbarError('UNAUTHENTICATED', 'not signed in to a crossbar server', {
      hint: 'crossbar login --server URL (the URL `crossbar serve` prints)',
    });
  const token = await loadToken(home, state.tokenStore, osTokenKeyring(state.url));
  if (!token)
    throw new CrossbarError(
      'UNAUTHENTICATED',
      `the token for ${state.url} is gone from the ${state.tokenStore === 'keyring' ? 'OS keyring' : 'token file'}`,
      { hint: `run \`crossbar login --server ${state.url}\`` },
    );
  return { home, state, client: new ServerClient(state.url, { token, signal: ctx.signal }) };
}

/** The workspace named, else the current one, else a usage error saying how to pick one. */
export function workspaceOf(state: ServerState, named: string | undefined): string {
  const workspace = named ?? state.workspace;
  if (!workspace)
    throw new CrossbarError('USAGE', 'no workspace named and none is current', {
      hint: 'name one with --workspace NAME, or pick one: crossbar workspace use NAME (crossbar workspace list)',
    });
  return workspace;
}

export const wsPath = (workspace: string, rest = ''): string =>
  `/api/workspaces/${encodeURIComponent(workspace)}${rest}`;

/**
 * The current workspace when commands go through the server: one is current and no --config names a crossbar.yaml
 * (an explicit file is always local). Reads server.json only: no token, no request.
 */
export function serverWorkspace(
  ctx: CliContext,
  configGiven: boolean,
): (ServerState & { workspace: string }) | undefined {
  if (configGiven) return undefined;
  const state = loadServerState(crossbarHomeOf(ctx));
  return state?.workspace ? { ...state, workspace: state.workspace } : undefined;
}
