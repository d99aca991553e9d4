import type { IAMClient } from '@aws-sdk/client-iam';
import { awsErrorFacts } from '../credentials/sts-errors.js';
import { classifyError } from '../fanout/classify-error.js';
import { mapBounded } from '../map-bounded.js';
import {
  decodePolicyText,
  groupPolicy,
  GROUP_POLICY_NAME,
  samePolicy,
  trustPolicy,
  type PolicyDocument,
} from './policies.js';
import { mergeTrust, type MergeTrustOptions, type TrustChange } from './merge-trust.js';
import type { BootstrapGroup, BootstrapRole, BootstrapSpec } from './spec.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const { GetGroupCommand, GetGroupPolicyCommand, GetRoleCommand, GetUserCommand, paginateListAttachedRolePolicies } =
  requireSdk('@aws-sdk/client-iam');

/**
 * The plan of `--apply`: the current IAM state of every account, read first, compared with the spec. Every
 * account must be reachable and readable before anything changes; one that is not makes the whole plan
 * unusable (`unreachable`), so that a partial bootstrap never happens.
 */
export type BootstrapAction =
  | { kind: 'create-role'; role: BootstrapRole; trust: PolicyDocument }
  | { kind: 'update-trust'; role: BootstrapRole; trust: PolicyDocument; changes: TrustChange[] }
  | { kind: 'attach-policy'; role: BootstrapRole; policyArn: string }
  | { kind: 'create-group'; group: BootstrapGroup }
  | { kind: 'put-group-policy'; group: BootstrapGroup; document: PolicyDocument; wildcard: boolean; bytes: number }
  | { kind: 'add-user'; group: BootstrapGroup; user: string };

export interface AccountPlan {
  accountId: string;
  name: string;
  /** The source account holds the groups; the targets hold the roles. */
  side: 'target' | 'source';
  actions: BootstrapAction[];
  /** What bootstrap sees and leaves alone (another managed policy on a role it manages). */
  notes: string[];
}

export interface Unreachable {
  accountId: string;
  name: string;
  code: string;
  message: string;
  hint?: string;
}

export interface BootstrapPlan {
  accounts: AccountPlan[];
  unreachable: Unreachable[];
}

/** IAM clients for each side: a target through the `--via` role, the source with its own identity. */
export interface IamAccess {
  targetIam(accountId: string): Promise<IAMClient>;
  sourceIam(): Promise<IAMClient>;
}

export interface PlanOptions extends Pick<MergeTrustOptions, 'replace' | 'dropConditions'> {
  concurrency?: number;
  signal?: AbortSignal;
}

function isNoSuchEntity(err: unknown): boolean {
  return awsErrorFacts(err).name === 'NoSuchEntity' || awsErrorFacts(err).name === 'NoSuchEntityException';
}

/** The answer, or undefined when IAM says the entity does not exist. */
async function orMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (err) {
    if (isNoSuchEntity(err)) return undefined;
    throw err;
  }
}

export function describeAction(action: BootstrapAction): string {
  switch (action.kind) {
    case 'create-role':
      return `create role ${action.role.name} (${action.role.level}${action.role.mfa ? ', MFA' : ''}${action.role.externalId ? ', ExternalId' : ''})`;
    case 'update-trust': {
      const count = (c: TrustChange['change']) => action.changes.filter((x) => x.change === c).length;
      const removes = count('remove');
      return `update trust of ${action.role.name} (${count('add')} added, ${removes} removed${removes > 0 ? ': see below' : ''})`;
    }
    case 'attach-policy':
      return `attach ${action.policyArn} to ${action.role.name}`;
    case 'create-group':
      return `create group ${action.group.name}`;
    case 'put-group-policy':
      return `put policy ${GROUP_POLICY_NAME} on ${action.group.name} (${action.bytes} bytes${action.wildcard ? ', account wildcard' : ''})`;
    case 'add-user':
      return `add user ${action.user} to ${action.group.name}`;
  }
}

async function attachedPolicies(iam: IAMClient, roleName: string, signal?: AbortSignal): Promise<string[]> {
  const arns: string[] = [];
  for await (const page of paginateListAttachedRolePolicies(
    { client: iam },
    { RoleName: roleName },
    ...(signal ? [{ abortSignal: signal }] : []),
  )) {
    for (const p of page.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
  }
  return arns;
}

async function planRole(
  iam: IAMClient,
  role: BootstrapRole,
  principals: readonly string[],
  options: PlanOptions,
): Promise<{ actions: BootstrapAction[]; notes: string[] }> {
  const trust = trustPolicy(role, principals);
  const signal = options.signal;
  const send = signal ? { abortSignal: signal } : {};
  const current = await orMissing(iam.send(new GetRoleCommand({ RoleName: role.name }), send));
  if (!current?.Role) {
    return {
      actions: [
        { kind: 'create-role', role, trust },
        { kind: 'attach-policy', role, policyArn: role.managedPolicyArn },
      ],
      notes: [],
    };
  }
  const actions: BootstrapAction[] = [];
  const notes: string[] = [];
  const text = current.Role.AssumeRolePolicyDocument;
  const currentTrust = text === undefined ? { Version: '2012-10-17', Statement: [] } : decodePolicyText(text);
  const merged = mergeTrust(currentTrust, trust, {
    replace: options.replace,
    dropConditions: options.dropConditions,
    accountName: role.accountName,
  });
  if (!samePolicy(currentTrust, merged.document))
    actions.push({ kind: 'update-trust', role, trust: merged.document, changes: merged.changes });
  else notes.push(...merged.changes.filter((c) => c.change === 'keep').map((c) => `${role.name} ${c.text}`));
  const attached = await attachedPolicies(iam, role.name, signal);
  if (!attached.includes(role.managedPolicyArn))
    actions.push({ kind: 'attach-policy', role, policyArn: role.managedPolicyArn });
  // Detaching is not bootstrap's call: someone attached it, and removing access silently would surprise them.
  const extra = attached.filter((a) => a !== role.managedPolicyArn);
  if (extra.length > 0) notes.push(`${role.name} also has ${extra.join(', ')} attached (left in place)`);
  return { actions, notes };
}

async function planGroup(
  iam: IAMClient,
  group: BootstrapGroup,
  spec: BootstrapSpec,
  signal?: AbortSignal,
): Promise<BootstrapAction[]> {
  const send = signal ? { abortSignal: signal } : {};
  const policy = groupPolicy(group, spec);
  const put: BootstrapAction = {
    kind: 'put-group-policy',
    group,
    document: policy.document,
    wildcard: policy.wildcard,
    bytes: policy.bytes,
  };
  for (const user of group.users) await iam.send(new GetUserCommand({ UserName: user }), send);
  const current = await orMissing(iam.send(new GetGroupCommand({ GroupName: group.name }), send));
  if (!current)
    return [
      { kind: 'create-group', group },
      put,
      ...group.users.map((user): BootstrapAction => ({ kind: 'add-user', group, user })),
    ];
  const members = new Set((current.Users ?? []).map((u) => u.UserName));
  const existing = await orMissing(
    iam.send(new GetGroupPolicyCommand({ GroupName: group.name, PolicyName: GROUP_POLICY_NAME }), send),
  );
  const same =
    existing?.PolicyDocument !== undefined && samePolicy(decodePolicyText(existing.PolicyDocument), policy.document);
  return [
    ...(same ? [] : [put]),
    ...group.users.filter((u) => !members.has(u)).map((user): BootstrapAction => ({ kind: 'add-user', group, user })),
  ];
}

function unreachable(accountId: string, name: string, err: unknown): Unreachable {
  const failure = classifyError(err);
  return {
    accountId,
    name,
    code: failure.code,
    message: failure.message,
    ...(failure.hint ? { hint: failure.hint } : {}),
  };
}

/** Reads every account (targets through `--via`, the source with its own identity) and diffs it with the spec. */
export async function planBootstrap(
  spec: BootstrapSpec,
  access: IamAccess,
  options: PlanOptions = {},
): Promise<BootstrapPlan> {
  const ids = [...new Set(spec.roles.map((r) => r.accountId))];
  const targets = await mapBounded(
    ids,
    options.concurrency ?? 8,
    async (accountId): Promise<AccountPlan | Unreachable> => {
      const roles = spec.roles.filter((r) => r.accountId === accountId);
      const name = roles[0]?.accountName ?? accountId;
      try {
        const iam = await access.targetIam(accountId);
        const planned = [];
        for (const role of roles) planned.push(await planRole(iam, role, spec.principals, options));
        return {
          accountId,
          name,
          side: 'target',
          actions: planned.flatMap((p) => p.actions),
          notes: planned.flatMap((p) => p.notes),
        };
      } catch (err) {
        return unreachable(accountId, name, err);
      }
    },
  );
  let source: AccountPlan | Unreachable;
  try {
    const iam = await access.sourceIam();
    const actions: BootstrapAction[] = [];
    for (const group of spec.groups) actions.push(...(await planGroup(iam, group, spec, options.signal)));
    source = { accountId: spec.sourceAccountId, name: 'source', side: 'source', actions, notes: [] };
  } catch (err) {
    source = unreachable(spec.sourceAccountId, 'source', err);
  }
  const all = [...targets, source];
  return {
    accounts: all.filter((a): a is AccountPlan => 'actions' in a),
    unreachable: all.filter((a): a is Unreachable => !('actions' in a)),
  };
}
