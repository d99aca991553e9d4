import type { HandlerContext } from '../../service.js';
import type { SandboxAccount } from '../../world/types.js';
import {
  checkPolicy,
  encodeDocument,
  iamOf,
  limitExceeded,
  nameOf,
  noSuchEntity,
  pageOut,
  paginate,
  recordWrite,
  required,
  type IamOperation,
} from './common.js';
import { groupResource, requireGroup, requireRole, requireUser, roleResource, userResource } from './entities.js';

type Input = Record<string, unknown>;
type Kind = 'User' | 'Group' | 'Role';

/**
 * Put/Get/List/Delete of inline policies are the same four operations for users, groups and roles; only the
 * entity, its name member and IAM's size quota differ.
 */
const SPEC: Record<
  Kind,
  {
    find: (a: SandboxAccount, n: string) => { name: string; arn: string; inlinePolicies: Record<string, string> };
    nameMax: number;
    sizeQuota: number;
    resource: IamResource;
  }
> = {
  User: { find: requireUser, nameMax: 128, sizeQuota: 2048, resource: userResource },
  Group: { find: requireGroup, nameMax: 128, sizeQuota: 5120, resource: groupResource },
  Role: { find: requireRole, nameMax: 64, sizeQuota: 10_240, resource: roleResource },
};

type IamResource = (ctx: HandlerContext, input: Input) => string;

function entityOf(ctx: HandlerContext, input: Input, kind: Kind) {
  const spec = SPEC[kind];
  return spec.find(iamOf(ctx), nameOf(input, `${kind}Name`, spec.nameMax));
}

/** IAM counts the aggregate size of an entity's inline policies, whitespace excluded. */
function aggregateSize(policies: Record<string, string>): number {
  return Object.values(policies).reduce((n, doc) => n + doc.replace(/\s/g, '').length, 0);
}

function put(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const entity = entityOf(ctx, input, kind);
    const policyName = nameOf(input, 'PolicyName', 128);
    const document = checkPolicy(required(input, 'PolicyDocument'), 'identity');
    const next = { ...entity.inlinePolicies, [policyName]: document };
    const quota = SPEC[kind].sizeQuota;
    if (aggregateSize(next) > quota)
      throw limitExceeded(`Maximum policy size of ${quota} bytes exceeded for ${kind.toLowerCase()} ${entity.name}`);
    entity.inlinePolicies[policyName] = document;
    recordWrite(ctx, input, [{ type: `AWS::IAM::${kind}`, name: entity.arn }]);
    return {};
  };
}

function inlinePolicy(entity: { inlinePolicies: Record<string, string> }, kind: Kind, policyName: string): string {
  const document = Object.hasOwn(entity.inlinePolicies, policyName) ? entity.inlinePolicies[policyName] : undefined;
  if (document === undefined)
    throw noSuchEntity(`The ${kind.toLowerCase()} policy with name ${policyName} cannot be found.`);
  return document;
}

function get(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const entity = entityOf(ctx, input, kind);
    const policyName = nameOf(input, 'PolicyName', 128);
    const document = inlinePolicy(entity, kind, policyName);
    return { [`${kind}Name`]: entity.name, PolicyName: policyName, PolicyDocument: encodeDocument(document) };
  };
}

function listNames(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const names = Object.keys(entityOf(ctx, input, kind).inlinePolicies).sort();
    return pageOut('PolicyNames', paginate(names, input));
  };
}

function remove(kind: Kind) {
  return (ctx: HandlerContext, input: Input) => {
    const entity = entityOf(ctx, input, kind);
    const policyName = required(input, 'PolicyName');
    inlinePolicy(entity, kind, policyName);
    delete entity.inlinePolicies[policyName];
    recordWrite(ctx, input, [{ type: `AWS::IAM::${kind}`, name: entity.arn }]);
    return {};
  };
}

function operationsFor(kind: Kind): Record<string, IamOperation> {
  const resource = SPEC[kind].resource;
  return {
    [`Put${kind}Policy`]: { run: put(kind), resource },
    [`Get${kind}Policy`]: { run: get(kind), resource },
    [`List${kind}Policies`]: { run: listNames(kind), resource },
    [`Delete${kind}Policy`]: { run: remove(kind), resource },
  };
}

export const inlinePolicyOperations: Record<string, IamOperation> = {
  ...operationsFor('User'),
  ...operationsFor('Group'),
  ...operationsFor('Role'),
};
