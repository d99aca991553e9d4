import { findOperation, operationNames } from './find-operation.js';
import { operationAccess } from './operation-access.js';
import { operationParameters, type OperationParameter } from './operation-parameters.js';
import { isGlobalOperation, type ServiceSpec } from './services.js';
import { normalizeName } from './suggest.js';

/** An operation as a picker shows it: where it answers, whether it only reads (and why), what it takes. */
export interface OperationEntry {
  service: string;
  operation: string;
  read: boolean;
  why: string;
  /** Answers for the whole account (IAM, S3 ListBuckets): one target per account, whatever the regions. */
  global: boolean;
  /** The SDK has a paginator for it: a run follows every page. */
  paginated: boolean;
  parameters: OperationParameter[];
}

const catalogs = new Map<string, Promise<OperationEntry[]>>();

/**
 * Every operation of a service with its access and parameters, sorted by name, decided as `crossbar run` decides
 * (operationAccess, validateInput's schema). Built once per service and process: the first ask loads the SDK
 * package (EC2's 823 operations take about half a second).
 */
export function serviceCatalog(spec: ServiceSpec): Promise<OperationEntry[]> {
  let catalog = catalogs.get(spec.name);
  if (!catalog) {
    catalog = buildCatalog(spec);
    catalog.catch(() => catalogs.delete(spec.name));
    catalogs.set(spec.name, catalog);
  }
  return catalog;
}

async function buildCatalog(spec: ServiceSpec): Promise<OperationEntry[]> {
  const entries: OperationEntry[] = [];
  for (const name of await operationNames(spec)) {
    const operation = await findOperation(spec, name);
    const access = operationAccess(operation);
    entries.push({
      service: spec.name,
      operation: operation.name,
      read: access.read,
      why: access.why,
      global: isGlobalOperation(spec, operation.name),
      paginated: operation.paginator !== undefined,
      parameters: operationParameters(operation),
    });
  }
  return entries;
}

/**
 * Whether an entry matches a search: every word of the query (any spelling: `describe-instances`,
 * `DescribeInstances`, `ec2 instances`) is part of the service's name or the operation's.
 */
export function matchesOperationQuery(entry: Pick<OperationEntry, 'service' | 'operation'>, query: string): boolean {
  const words = query.split(/\s+/).map(normalizeName).filter(Boolean);
  const service = normalizeName(entry.service);
  const operation = normalizeName(entry.operation);
  return words.every((w) => operation.includes(w) || service.includes(w));
}

/**
 * How well an entry answers a search, for sorting (lower first): the operation named exactly, then one starting
 * with the last word, then the rest.
 */
export function operationQueryRank(entry: Pick<OperationEntry, 'operation'>, query: string): number {
  const words = query.split(/\s+/).map(normalizeName).filter(Boolean);
  const last = words[words.length - 1];
  const operation = normalizeName(entry.operation);
  if (last === undefined) return 2;
  if (operation === last) return 0;
  return operation.startsWith(last) ? 1 : 2;
}
