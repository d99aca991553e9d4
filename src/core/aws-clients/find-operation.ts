import { CrossbarError } from '../errors.js';
import { loadService, type ServiceOperation } from './load-service.js';
import { resolveService, type ServiceSpec } from './services.js';
import { didYouMean, nearestNames, normalizeName } from './suggest.js';

/** An operation of a service, found by any spelling: `DescribeInstances`, `describe-instances`. */
export interface ResolvedOperation extends ServiceOperation {
  service: ServiceSpec;
}

export async function findOperation(service: string | ServiceSpec, operation: string): Promise<ResolvedOperation> {
  const spec = typeof service === 'string' ? resolveService(service) : service;
  const loaded = await loadService(spec);
  const found = loaded.operations.get(normalizeName(operation));
  if (found) return { ...found, service: spec };
  const names = [...loaded.operations.values()].map((o) => o.name);
  const suggestion = didYouMean(nearestNames(operation, names));
  throw new CrossbarError('USAGE', `${spec.name} has no operation '${operation}'`, {
    hint:
      suggestion ??
      `See the ${names.length} operations of ${spec.name} with \`aws ${spec.name === 's3' ? 's3api' : spec.name} help\``,
  });
}

/** Every operation name of a service, for completion and help. */
export async function operationNames(service: string | ServiceSpec): Promise<string[]> {
  const spec = typeof service === 'string' ? resolveService(service) : service;
  return [...(await loadService(spec)).operations.values()].map((o) => o.name).sort();
}
