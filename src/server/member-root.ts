import { CrossbarError } from '../core/errors.js';
import type { FanoutRoot } from '../core/fanout/index.js';
import { vendingOf } from './vending-of.js';
import type { AppContext } from './app-env.js';
import type { WorkspaceAccess } from './workspace-access.js';

/**
 * The member's root for a fan-out (a run, the audit): each account's credentials vended for them through the
 * workspace's connection (RoleSessionName and SourceIdentity = the member, cached per member, never shared), the
 * server's endpoint and clock. Which roles the member may use is the caller's question, asked before.
 */
export function memberRoot(c: AppContext, access: WorkspaceAccess): FanoutRoot {
  const vending = vendingOf(c);
  const crossbar = c.get('deps').crossbar;
  if (!crossbar) throw new CrossbarError('ERROR', 'the server vends without a crossbar root');
  const member = { id: access.member.userId, username: access.member.username };
  const workspace = { id: access.workspace.id, name: access.workspace.name, connection: access.workspace.connection };
  return {
    endpoint: crossbar.endpoint,
    now: () => crossbar.now(),
    credentialsFor: async (fa) =>
      (await vending.vend({ member, workspace, account: fa.account, role: fa.role, purpose: 'credentials' }))
        .credentials,
  };
}
