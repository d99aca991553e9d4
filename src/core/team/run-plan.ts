import {
  findOperation,
  isGlobalOperation,
  operationAccess,
  validateInput,
  type ResolvedOperation,
} from '../aws-clients/index.js';
import { CrossbarError } from '../errors.js';
import type { FanoutAccount } from '../fanout/types.js';
import { resolveResourceTypes } from '../inventory/resource-types.js';
import type { ResourceType } from '../inventory/resource-type.js';
import { runLabel, type RunRequest } from './run-request.js';

/**
 * A run request checked as far as it can be without AWS, as the CLI's `run` checks it: the service and operation
 * exist, the parameters fit the model, and the operation only reads. The server has no `--allow-writes`: a call
 * the service model does not show to be a read is refused before anything is sent.
 */
export type RunPlan =
  | {
      kind: 'run';
      label: string;
      operation: ResolvedOperation;
      input: Record<string, unknown>;
      paginate: boolean;
      /** Answers for the whole account (IAM, S3 ListBuckets): one target per account. */
      global: boolean;
    }
  | { kind: 'sync'; label: string; types: ResourceType[] };

export async function planRun(request: RunRequest): Promise<RunPlan> {
  if (request.kind === 'sync') {
    const types = resolveResourceTypes(request.types.join(','));
    return { kind: 'sync', label: runLabel(request), types };
  }
  const operation = await findOperation(request.service, request.operation);
  const input = validateInput(operation, request.params);
  const label = `${operation.service.name} ${operation.name}`;
  requireReadOperation(operation);
  return {
    kind: 'run',
    label,
    operation,
    input,
    paginate: request.paginate,
    global: isGlobalOperation(operation.service, operation.name),
  };
}

/** FORBIDDEN unless the service model shows the operation only reads: the server has no `--allow-writes`. */
export function requireReadOperation(operation: ResolvedOperation): void {
  const access = operationAccess(operation);
  if (access.read) return;
  throw new CrossbarError(
    'FORBIDDEN',
    `${operation.service.name} ${operation.name} may change things (${access.why}); runs through the server only read: nothing was sent`,
    { hint: 'send writes with the crossbar CLI and your own vended credentials (crossbar run --allow-writes)' },
  );
}

/**
 * How many targets a run has, when it is known before it starts: accounts × regions (accounts alone for a global
 * call), each account's configured regions when none are named; undefined for `regions: all`, which each account
 * answers for itself.
 */
export function expectedTargets(
  plan: RunPlan,
  accounts: readonly FanoutAccount[],
  regions: readonly string[] | 'all' | undefined,
): number | undefined {
  if (plan.kind === 'run' && plan.global) return accounts.length;
  if (regions === 'all') return undefined;
  if (regions) return accounts.length * regions.length;
  return accounts.reduce((n, a) => n + a.account.regions.length, 0);
}
