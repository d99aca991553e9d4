import { CrossbarError } from '../../core/errors.js';
import type { FanoutAccount } from '../../core/fanout/index.js';
import {
  expectedTargets,
  findUserById,
  planRun,
  secondFactorFresh,
  selectWorkspaceTargets,
  vendNeeds,
  vendRefusal,
  type RunPlan,
  type RunRequest,
} from '../../core/team/index.js';
import type { AppContext } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { proveSecondFactor } from '../auth/second-factor.js';
import { forbidden } from '../http-error.js';
import { memberMayUse, serverRegistry, workspaceAccounts, type WorkspaceAccess } from '../workspace-access.js';

/** The most targets (accounts × regions) one run may have; a bigger one is refused, as the fan-out's own bound. */
export const MAX_RUN_TARGETS = 20_000;

export interface PreparedRun {
  plan: RunPlan;
  targets: FanoutAccount[];
  /** Known before the start, or null (`regions: all`). */
  targetCount: number | null;
}

/**
 * Everything a run is checked for before any AWS call, in this order: the operation (read-only, known to the
 * model, parameters that fit), the selector (within the workspace), the member's use of every target's role
 * (the workspace's roles and the member's per-account limits: one target they may not use refuses the whole run,
 * naming the accounts, rather than trimming it), and the guards of admin and guarded roles (a fresh second factor,
 * `confirm: true`), as for vended credentials.
 */
export async function prepareRun(c: AppContext, access: WorkspaceAccess, request: RunRequest): Promise<PreparedRun> {
  const plan = await planRun(request);
  const targets = selectWorkspaceTargets({
    registry: serverRegistry(c),
    workspaceAccounts: workspaceAccounts(c, access),
    workspaceName: access.workspace.name,
    selector: request.selector,
    role: request.role,
  });
  refuseUnusable(c, access, targets);
  const targetCount = expectedTargets(plan, targets, request.regions) ?? null;
  if (targetCount !== null && targetCount > MAX_RUN_TARGETS)
    throw new CrossbarError(
      'USAGE',
      `the run has ${targetCount} targets, more than the ${MAX_RUN_TARGETS} one run may have`,
      { hint: 'narrow the selector or the regions, and run the rest separately' },
    );
  await refuseUnguarded(c, request, targets);
  return { plan, targets, targetCount };
}

function refuseUnusable(c: AppContext, access: WorkspaceAccess, targets: readonly FanoutAccount[]): void {
  const refused = targets.filter((t) => !memberMayUse(c, access, t.account, t.role.key));
  if (refused.length === 0) return;
  const roles = [...new Set(refused.map((t) => t.role.key))].join(', ');
  const accounts = refused.map((t) => t.account.name).join(', ');
  throw forbidden(
    `${access.member.username} may not use ${roles} in ${accounts} in the workspace ${access.workspace.name}: the run is refused, nothing was sent`,
    'narrow the selector to accounts you may use, pick another role, or ask an admin of the workspace to change your limits',
  );
}

/** Admin roles (MFA) need a fresh second factor, guarded roles `confirm: true`: checked as vending checks them. */
async function refuseUnguarded(c: AppContext, request: RunRequest, targets: readonly FanoutAccount[]): Promise<void> {
  const guarded = targets.filter((t) => {
    const needs = vendNeeds(t.role);
    return needs.secondFactor || needs.confirm;
  });
  if (guarded.length === 0) return;
  const principal = requireUser(c);
  const { store, now } = c.get('deps');
  const user = await findUserById(store, principal.userId);
  const needs = {
    secondFactor: guarded.some((t) => vendNeeds(t.role).secondFactor),
    confirm: guarded.some((t) => vendNeeds(t.role).confirm),
  };
  const fresh = secondFactorFresh(principal.secondFactorAt, now());
  const offer = {
    confirm: request.confirm,
    secondFactor: fresh || request.totp_code !== undefined,
    totpEnrolled: user?.totp_enrolled_at != null,
  };
  const label = [...new Set(guarded.map((t) => `${t.account.name}:${t.role.key}`))].join(', ');
  const refusal = vendRefusal(needs, offer, label);
  if (refusal) throw refusal;
  // Checked and spent only once everything else allows the run: a refused run does not use up the code.
  if (needs.secondFactor && !fresh && request.totp_code !== undefined)
    await proveSecondFactor(c, principal, request.totp_code);
}
