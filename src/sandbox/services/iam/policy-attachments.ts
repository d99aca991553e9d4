import type { HandlerContext } from '../../service.js';
import type { SandboxAccount } from '../../world/types.js';
import {
  iamOf,
  limitExceeded,
  nameOf,
  noSuchEntity,
  pageOut,
  paginate,
  pathPrefixFilter,
  recordWrite,
  type IamOperation,
} from './common.js';
import { groupResource, requireGroup, requireRole, requireUser, roleResource, userResource } from './entities.js';
import { findPolicy, policyArnOf, requirePolicy } from './policy-view.js';

type Input = Record<string, unknown>;
type Kind = 'User' | 'Group' | 'Role';
type Attachable = { name: string; arn: string; attachedPolicies: string[] };

/** IAM's default quota of managed policies attached to one user, group or role. */
const ATTACHED_QUOTA = 10;

const FIND: Record<Kind, (a: SandboxAccount, n: string) => Attachable> = {
  User: requireUser,
  Group: requireGroup,
  Role: requireRole,
};
const RESOURCE: Record<Kind, (ctx: HandlerContext, input: Input) => string> = {
  User: userResource,
  Group: groupResource,
  Role: roleResource,
};

function entityOf(ctx: HandlerContext, input: Input, kind: Kind): { account: SandboxAccount; entity: Attachable } {
  const account = iamOf(ctx);
  return { account, entity: FIND[kind](account, nameOf(input, `${kind}Name`, kind === 'Role' ? 64 : 128)) };
}

/** Attaching is idempotent; an unknown ARN (AWS managed or the account's own) is NoSuchEntity. */
function attach(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const { account, entity } = entityOf(ctx, input, kind);
    const policy = requirePolicy(account, policyArnOf(input));
    if (!entity.attachedPolicies.includes(policy.arn)) {
      if (entity.attachedPolicies.length >= ATTACHED_QUOTA)
        throw limitExceeded(`Cannot exceed quota for PoliciesPer${kind}: ${ATTACHED_QUOTA}`);
      entity.attachedPolicies.push(policy.arn);
    }
    recordWrite(ctx, input, [{ type: `AWS::IAM::${kind}`, name: entity.arn }]);
    return {};
  };
}

function detach(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const { entity } = entityOf(ctx, input, kind);
    const arn = policyArnOf(input);
    if (!entity.attachedPolicies.includes(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    entity.attachedPolicies = entity.attachedPolicies.filter((a) => a !== arn);
    recordWrite(ctx, input, [{ type: `AWS::IAM::${kind}`, name: entity.arn }]);
    return {};
  };
}

function listAttached(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const { account, entity } = entityOf(ctx, input, kind);
    const inPath = pathPrefixFilter(input);
    const attached = entity.attachedPolicies.flatMap((arn) => {
      const p = findPolicy(account, arn);
      return p && inPath(p) ? [{ PolicyName: p.name, PolicyArn: p.arn }] : [];
    });
    return pageOut('AttachedPolicies', paginate(attached, input));
  };
}

function operationsFor(kind: Kind): Record<string, IamOperation> {
  const resource = RESOURCE[kind];
  return {
    [`Attach${kind}Policy`]: { run: attach(kind), resource },
    [`Detach${kind}Policy`]: { run: detach(kind), resource },
    [`ListAttached${kind}Policies`]: { run: listAttached(kind), resource },
  };
}

export const attachmentOperations: Record<string, IamOperation> = {
  ...operationsFor('User'),
  ...operationsFor('Group'),
  ...operationsFor('Role'),
};
