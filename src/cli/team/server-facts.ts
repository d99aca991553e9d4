import type { CliContext } from '../context.js';
import type { Fact } from '../commands/whoami.js';
import { parseSession } from './auth-answers.js';
import { currentSignIn, openSignedIn, wsPath } from './signed-in.js';
import { parseDetail } from './workspace-answers.js';

/**
 * What `crossbar whoami` says of the team server when signed in: the server, the member, their server role and the
 * current workspace. `local` is false when hop commands go through the server (a current workspace and no --config):
 * then there is no local source identity to show.
 */
export async function serverFacts(
  ctx: CliContext,
  configGiven: boolean,
): Promise<{ facts: Fact[]; local: boolean } | undefined> {
  const { home, state } = currentSignIn(ctx);
  if (!state) return undefined;
  const { client } = await openSignedIn(ctx, home);
  const session = await client.get('/api/session', parseSession);
  const facts: Fact[] = [
    ['server', state.url],
    ['user', session.user.username],
    ['serverRole', session.user.server_role],
    ['workspace', state.workspace ?? null],
  ];
  if (state.workspace) {
    const detail = await client.get(wsPath(state.workspace), parseDetail);
    facts.push(['workspaceRole', detail.role]);
  }
  return { facts, local: configGiven || state.workspace === undefined };
}
