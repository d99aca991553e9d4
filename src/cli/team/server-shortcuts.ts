import { CrossbarError } from '../../core/errors.js';
import { resolveTarget } from '../../core/select/index.js';
import type { CliContext } from '../context.js';
import { anyAnswer } from './server-client.js';
import { openSignedIn, wsPath } from './signed-in.js';
import { parseDetail, parseShortcut, type WorkspaceDetail } from './workspace-answers.js';
import { workspaceRegistry } from './workspace-registry.js';

/**
 * `shortcut list|add|remove` with a current workspace: the workspace's shortcuts on the server instead of
 * crossbar.yaml's. A target is resolved against the workspace as hops are (a stage, a prefix, the default role),
 * and the server stores the account's name and the role's key.
 */
export async function loadServerShortcuts(ctx: CliContext): Promise<{ detail: WorkspaceDetail; where: string }> {
  const { state, client } = await openSignedIn(ctx);
  const workspace = state.workspace ?? '';
  const detail = await client.get(wsPath(workspace), parseDetail);
  return { detail, where: `workspace ${workspace} on ${state.url}` };
}

export async function addServerShortcut(
  ctx: CliContext,
  name: string,
  targetText: string,
  region: string | undefined,
): Promise<string> {
  const { state, client } = await openSignedIn(ctx);
  const workspace = state.workspace ?? '';
  const detail = await client.get(wsPath(workspace), parseDetail);
  const target = resolveTarget(workspaceRegistry(detail), targetText);
  if (target.role.implicit)
    throw new CrossbarError('USAGE', `you may use no role in ${target.account.name} in ${workspace}`, {
      hint: `crossbar workspace show ${workspace} lists the roles you may use`,
    });
  const body = { name, account: target.account.name, role: target.role.key, region: region ?? target.region };
  const { shortcut } = await client.post(wsPath(workspace, '/shortcuts'), body, parseShortcut);
  return `added ${shortcut.name} → ${shortcut.account}:${shortcut.role} ${shortcut.region} to workspace ${workspace} on ${state.url}`;
}

export async function removeServerShortcut(ctx: CliContext, name: string): Promise<string> {
  const { state, client } = await openSignedIn(ctx);
  const workspace = state.workspace ?? '';
  await client.delete(wsPath(workspace, `/shortcuts/${encodeURIComponent(name.replace(/^\//, ''))}`), anyAnswer);
  return `removed ${name} from workspace ${workspace} on ${state.url}`;
}
