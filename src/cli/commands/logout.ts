import type { Command } from 'commander';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { anyAnswer, isServerAnswer, ServerClient } from '../team/server-client.js';
import { crossbarHomeOf } from '../team/signed-in.js';
import { clearServerState, loadServerState } from '../team/server-state.js';
import { forgetToken, loadToken, osTokenKeyring } from '../team/token-store.js';

/**
 * `crossbar logout`: revokes the CLI's API token on the server and forgets it (keyring or file) and server.json.
 * A server that does not answer cannot revoke it: the sign-in is forgotten here all the same, and the one line
 * says the token still works until it expires or is revoked on the server.
 */
/** `crossbar logout [SOURCE]` for an SSO source of crossbar.yaml, as `login` picks it; undefined: the team server. */
async function ssoLogout(ctx: CliContext, command: Command, source: string | undefined): Promise<number | undefined> {
  const { loadSsoSources, forgetSourceCredentials } = await import('../sso/sso-sources.js');
  const found = await loadSsoSources(ctx, command, source !== undefined);
  if (!found || (!found.hasSso && source === undefined)) return undefined;
  // A team server signed in to and no name: that sign-in is what `logout` ends, as before SSO.
  if (source === undefined && loadServerState(crossbarHomeOf(ctx)) !== undefined) return undefined;
  const { pickSsoSource, runSsoLogout } = await import('../sso/sso-login.js');
  const { ssoSettingsOf } = await import('../sso/open-sso-session.js');
  const picked = pickSsoSource(found.sources, found.defaultSource, source);
  forgetSourceCredentials(ctx, found.registry, picked.name);
  return runSsoLogout(ctx, ssoSettingsOf(picked, found.endpoint));
}

export async function runLogout(ctx: CliContext, command?: Command, source?: string): Promise<number> {
  if (command) {
    const sso = await ssoLogout(ctx, command, source);
    if (sso !== undefined) return sso;
  }
  const home = crossbarHomeOf(ctx);
  const state = loadServerState(home);
  if (!state) {
    ctx.err('Not signed in to a crossbar server: nothing to do.');
    return EXIT_OK;
  }
  const keyring = osTokenKeyring(state.url);
  const token = await loadToken(home, state.tokenStore, keyring);
  let unrevoked: unknown;
  if (token) {
    try {
      await new ServerClient(state.url, { token, signal: ctx.signal }).delete(
        `/api/tokens/${encodeURIComponent(state.tokenId)}`,
        anyAnswer,
      );
    } catch (err) {
      // A token the server no longer accepts is as good as revoked.
      if (!isServerAnswer(err, 'UNAUTHENTICATED')) unrevoked = err;
    }
  }
  await forgetToken(home, state.tokenStore, keyring);
  clearServerState(home);
  if (unrevoked !== undefined) {
    const why = isCrossbarError(unrevoked) ? unrevoked.message : String(unrevoked);
    throw new CrossbarError(
      isCrossbarError(unrevoked) ? unrevoked.code : 'ERROR',
      `signed out here, but the token was not revoked: ${why}`,
      {
        hint: `it works until it expires; revoke it in the token list of ${state.url} when the server is back`,
        cause: unrevoked,
      },
    );
  }
  ctx.err(`Signed out of ${state.url} (${state.username}); the token is revoked.`);
  return EXIT_OK;
}

export function defineLogout(command: Command, runtime: CliRuntime): void {
  command
    .argument(
      '[source]',
      'the SSO source of crossbar.yaml to sign out of (default: a team server signed in to, else the SSO source)',
    )
    .action((source: string | undefined, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => runLogout(ctx, command, source)),
    );
}
