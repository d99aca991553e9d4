import type { OperationHandler, ServiceImpl } from '../service.js';
import type { IamOperation } from './iam/common.js';
import { userOperations } from './iam/users.js';
import { groupOperations } from './iam/groups.js';
import { roleOperations } from './iam/roles.js';
import { inlinePolicyOperations } from './iam/inline-policies.js';
import { managedPolicyOperations } from './iam/managed-policies.js';
import { attachmentOperations } from './iam/policy-attachments.js';
import { accessKeyOperations } from './iam/access-keys.js';
import { mfaOperations } from './iam/mfa.js';
import { accountOperations } from './iam/account.js';
import { authorizationDetailsOperations } from './iam/authorization-details.js';

const ALL: Record<string, IamOperation> = {
  ...userOperations,
  ...groupOperations,
  ...roleOperations,
  ...inlinePolicyOperations,
  ...managedPolicyOperations,
  ...attachmentOperations,
  ...accessKeyOperations,
  ...mfaOperations,
  ...accountOperations,
  ...authorizationDetailsOperations,
};

/**
 * Operations that name the entity they act on authorize `iam:<Op>` against its ARN themselves (before
 * looking it up, as AWS does), so that resource-scoped identity policies and AWS's denial messages are
 * honest; the rest are checked by the dispatcher on `*`.
 */
function build(): { operations: Record<string, OperationHandler>; selfAuthorized: Set<string> } {
  const operations: Record<string, OperationHandler> = {};
  const selfAuthorized = new Set<string>();
  for (const [name, op] of Object.entries(ALL)) {
    if (typeof op === 'function') {
      operations[name] = op;
      continue;
    }
    selfAuthorized.add(name);
    operations[name] = (ctx, input) => {
      ctx.authorize(`iam:${name}`, op.resource(ctx, input));
      return op.run(ctx, input);
    };
  }
  return { operations, selfAuthorized };
}

const { operations, selfAuthorized } = build();

/** IAM: global, answered from us-east-1 whatever region the request was signed for. */
export const iamService: ServiceImpl = {
  signingName: 'iam',
  modelName: 'iam',
  actionPrefix: 'iam',
  global: true,
  selfAuthorized,
  operations,
};
