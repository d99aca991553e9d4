import { CrossbarError } from '../errors.js';
import type { AwsClient, AwsCommand, CreateCommand, Paginator } from './types.js';
import { requirePackage } from './require-sdk.js';
import type { ServiceSpec } from './services.js';
import { normalizeName } from './suggest.js';

/**
 * A service's SDK package, read once: its client class, every `XCommand` it exports (by normalized operation
 * name) and the `paginateX` functions it has. The package is loaded by name, so what it exports is checked
 * here before anything relies on it.
 */
export interface ServiceOperation {
  /** As AWS names it: `DescribeInstances`. */
  name: string;
  createCommand: CreateCommand;
  paginator?: Paginator;
}

export interface LoadedService {
  spec: ServiceSpec;
  createClient(config: Record<string, unknown>): AwsClient;
  /** normalized operation name (`describeinstances`) → the operation */
  operations: Map<string, ServiceOperation>;
}

type Constructor = new (...args: unknown[]) => unknown;

function isConstructor(value: unknown): value is Constructor {
  return typeof value === 'function' && typeof value.prototype === 'object';
}

function isPaginator(value: unknown): value is Paginator {
  return typeof value === 'function';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function isCommand(value: unknown): value is AwsCommand {
  return isRecord(value) && 'input' in value;
}

export function isAwsClient(value: unknown): value is AwsClient {
  if (!isRecord(value)) return false;
  const stack = value['middlewareStack'];
  return (
    typeof value['send'] === 'function' &&
    typeof value['destroy'] === 'function' &&
    isRecord(stack) &&
    typeof stack['add'] === 'function'
  );
}

const loaded = new Map<string, Promise<LoadedService>>();

function importService(spec: ServiceSpec): LoadedService {
  let mod: unknown;
  try {
    // The specifier is data (SERVICES), so a package is only loaded when a command needs it; require(), not
    // import(): the SDK's packages are CommonJS (require-sdk.ts says why that matters).
    mod = requirePackage(spec.package);
  } catch (cause) {
    throw new CrossbarError('ERROR', `The AWS SDK package ${spec.package} is not installed`, {
      hint: `Install it with \`npm install ${spec.package}\``,
      cause,
    });
  }
  if (!isRecord(mod)) throw new CrossbarError('ERROR', `${spec.package} did not load as a module`);
  const Client = mod[spec.clientClass];
  if (!isConstructor(Client))
    throw new CrossbarError('ERROR', `${spec.package} has no ${spec.clientClass}`, {
      hint: 'Update the package: its exports changed',
    });
  const operations = new Map<string, ServiceOperation>();
  const paginators = new Map<string, Paginator>();
  for (const [key, value] of Object.entries(mod)) {
    const paginator = /^paginate([A-Z][A-Za-z0-9]*)$/.exec(key)?.[1];
    if (paginator && isPaginator(value)) paginators.set(normalizeName(paginator), value);
  }
  for (const [key, value] of Object.entries(mod)) {
    const name = /^([A-Z][A-Za-z0-9]*)Command$/.exec(key)?.[1];
    if (!name || !isConstructor(value)) continue;
    const createCommand: CreateCommand = (input) => {
      const command = new value(input);
      if (!isCommand(command)) throw new CrossbarError('ERROR', `${spec.package} ${key} built no command`);
      return command;
    };
    const paginator = paginators.get(normalizeName(name));
    operations.set(normalizeName(name), { name, createCommand, ...(paginator ? { paginator } : {}) });
  }
  const createClient = (config: Record<string, unknown>): AwsClient => {
    const client = new Client(config);
    if (!isAwsClient(client))
      throw new CrossbarError('ERROR', `${spec.package} ${spec.clientClass} is not an AWS SDK v3 client`);
    return client;
  };
  return { spec, createClient, operations };
}

/** The service's package, imported once per process (concurrent callers share the import). */
export function loadService(spec: ServiceSpec): Promise<LoadedService> {
  let promise = loaded.get(spec.name);
  if (!promise) {
    promise = new Promise<LoadedService>((resolve) => resolve(importService(spec)));
    promise.catch(() => loaded.delete(spec.name));
    loaded.set(spec.name, promise);
  }
  return promise;
}
