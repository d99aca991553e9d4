import type { IAMClient } from '@aws-sdk/client-iam';
import { classifyError } from '../fanout/classify-error.js';
import { mapBounded } from '../map-bounded.js';
import { describeAction, type AccountPlan, type BootstrapAction, type BootstrapPlan, type IamAccess } from './plan.js';
import { GROUP_POLICY_NAME } from './policies.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const {
  AddUserToGroupCommand,
  AttachRolePolicyCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  PutGroupPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} = requireSdk('@aws-sdk/client-iam');

/**
 * Carries out a plan. One result per account; an account stops at its first failed change and says which, the
 * other targets go on.
 */
export interface AppliedAccount {
  accountId: string;
  name: string;
  side: AccountPlan['side'];
  done: string[];
  error?: { action: string; code: string; message: string };
}

export interface ApplyOptions {
  concurrency?: number;
  signal?: AbortSignal;
}

async function run(iam: IAMClient, action: BootstrapAction, signal?: AbortSignal): Promise<void> {
  const send = signal ? { abortSignal: signal } : {};
  switch (action.kind) {
    case 'create-role':
      await iam.send(
        new CreateRoleCommand({
          RoleName: action.role.name,
          AssumeRolePolicyDocument: JSON.stringify(action.trust),
          Description: `crossbar ${action.role.level} access${action.role.mfa ? ' with MFA' : ''}`,
        }),
        send,
      );
      return;
    case 'update-trust':
      await iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: action.role.name, PolicyDocument: JSON.stringify(action.trust) }),
        send,
      );
      return;
    case 'attach-policy':
      await iam.send(new AttachRolePolicyCommand({ RoleName: action.role.name, PolicyArn: action.policyArn }), send);
      return;
    case 'create-group':
      await iam.send(new CreateGroupCommand({ GroupName: action.group.name }), send);
      return;
    case 'put-group-policy':
      await iam.send(
        new PutGroupPolicyCommand({
          GroupName: action.group.name,
          PolicyName: GROUP_POLICY_NAME,
          PolicyDocument: JSON.stringify(action.document),
        }),
        send,
      );
      return;
    case 'add-user':
      await iam.send(new AddUserToGroupCommand({ GroupName: action.group.name, UserName: action.user }), send);
  }
}

async function applyAccount(plan: AccountPlan, access: IamAccess, signal?: AbortSignal): Promise<AppliedAccount> {
  const result: AppliedAccount = { accountId: plan.accountId, name: plan.name, side: plan.side, done: [] };
  if (plan.actions.length === 0) return result;
  let current = '';
  try {
    const iam = plan.side === 'source' ? await access.sourceIam() : await access.targetIam(plan.accountId);
    for (const action of plan.actions) {
      current = describeAction(action);
      await run(iam, action, signal);
      result.done.push(current);
    }
  } catch (err) {
    const failure = classifyError(err);
    result.error = { action: current || 'connect', code: failure.code, message: failure.message };
  }
  return result;
}

/**
 * The source first: it is the side most often run with too little IAM permission (a read-only person), and
 * when it fails no target has been touched yet. Its group policies may name roles that do not exist yet;
 * IAM allows that, and they exist a moment later.
 */
export async function applyBootstrap(
  plan: BootstrapPlan,
  access: IamAccess,
  options: ApplyOptions = {},
): Promise<AppliedAccount[]> {
  const targets = plan.accounts.filter((a) => a.side === 'target');
  const applied: AppliedAccount[] = [];
  for (const source of plan.accounts.filter((a) => a.side === 'source'))
    applied.push(await applyAccount(source, access, options.signal));
  const sourceFailed = applied.find((a) => a.error);
  if (sourceFailed) {
    const skipped = targets
      .filter((t) => t.actions.length > 0)
      .map((t): AppliedAccount => ({
        accountId: t.accountId,
        name: t.name,
        side: t.side,
        done: [],
        error: {
          action: 'not started',
          code: 'SKIPPED',
          message: `the source account ${sourceFailed.accountId} failed first: no target was changed`,
        },
      }));
    return [...applied, ...skipped];
  }
  applied.push(
    ...(await mapBounded(targets, options.concurrency ?? 8, (a) => applyAccount(a, access, options.signal))),
  );
  return applied;
}

export function hasChanges(plan: BootstrapPlan): boolean {
  return plan.accounts.some((a) => a.actions.length > 0);
}
