import type { ResolvedOperation } from './find-operation.js';

/**
 * Whether an operation only reads, decided from the service model the SDK ships with each command (its static
 * schema `[9, ns, name, traits, input, output]`) and from AWS's naming rules, so that `crossbar run` can be
 * read-only by default without a hand list of operations:
 *
 * - the model's own `readonly` trait, when the schema carries it;
 * - the model's HTTP binding: a GET or HEAD operation only reads (HTTP's safe methods; Smithy's
 *   HttpMethodSemantics validation holds every AWS REST model to it): S3's HeadBucket and HeadObject;
 * - AWS's read verbs, the names its read operations start with: Describe, List, Get, Search, Lookup;
 * - except when the model says the call creates something: an input member with the `idempotencyToken` trait
 *   (a `ClientToken`) is only ever on operations that make things.
 *
 * - a short list of documented reads the first three cannot see (DynamoDB's Scan and Query).
 *
 * Anything else (Create, Put, Delete, Update, Run, Terminate, Invoke, …, and reads none of these vouch for)
 * counts as a write.
 */
export interface OperationAccess {
  read: boolean;
  /** Why, for messages: `the model binds it to HTTP GET`, `its name starts with List`, … */
  why: string;
}

export const READ_VERBS = ['Describe', 'List', 'Get', 'Search', 'Lookup'] as const;

/** Smithy's trait bits in a schema's numeric trait indicator (@smithy/core/schema translateTraits). */
const IDEMPOTENCY_TOKEN_BIT = 1 << 2;

function deref(ref: unknown): unknown {
  let current = ref;
  for (let i = 0; i < 10 && typeof current === 'function'; i += 1) current = (current as () => unknown)();
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The operation's static schema, or undefined for a client that carries none. */
function operationSchema(op: ResolvedOperation): unknown[] | undefined {
  const schema = deref(op.createCommand({}).schema);
  return Array.isArray(schema) && schema[0] === 9 && schema.length >= 6 ? schema : undefined;
}

/** The HTTP method of the operation's `http` trait (REST protocols), upper case. */
function httpMethod(traits: unknown): string | undefined {
  if (!isRecord(traits)) return undefined;
  const http = traits['http'];
  return Array.isArray(http) && typeof http[0] === 'string' ? http[0].toUpperCase() : undefined;
}

/** A member `[ref, traits]` whose traits say `idempotencyToken`, numeric or as an object. */
function hasIdempotencyToken(input: unknown): boolean {
  const shape = deref(input);
  // A structure: [3, ns, name, traits, memberNames, memberSchemas, …].
  if (!Array.isArray(shape) || shape[0] !== 3 || !Array.isArray(shape[5])) return false;
  return shape[5].some((member: unknown) => {
    if (!Array.isArray(member) || member.length !== 2) return false;
    const traits: unknown = member[1];
    if (typeof traits === 'number') return (traits & IDEMPOTENCY_TOKEN_BIT) !== 0;
    return isRecord(traits) && 'idempotencyToken' in traits;
  });
}

/**
 * Reads whose names carry no read verb and whose model says nothing (JSON protocols bind everything to POST):
 * AWS's documentation and IAM's action table class each as Read. Short on purpose; an operation missing here errs
 * on the safe side (it needs --allow-writes).
 */
const DOCUMENTED_READS: Readonly<Record<string, readonly string[]>> = {
  dynamodb: ['Scan', 'Query', 'BatchGetItem', 'TransactGetItems'],
  iam: ['SimulatePrincipalPolicy', 'SimulateCustomPolicy'],
  sts: ['DecodeAuthorizationMessage'],
};

export function operationAccess(op: ResolvedOperation): OperationAccess {
  if (DOCUMENTED_READS[op.service.name]?.includes(op.name))
    return { read: true, why: "AWS's documentation classes it as a read" };
  const schema = operationSchema(op);
  const traits = schema?.[3];
  if (isRecord(traits) && 'readonly' in traits) return { read: true, why: 'the service model marks it readonly' };
  const method = httpMethod(traits);
  if (method === 'GET' || method === 'HEAD') return { read: true, why: `the service model binds it to HTTP ${method}` };
  const verb = READ_VERBS.find((v) => new RegExp(`^${v}(?:[A-Z0-9]|$)`).test(op.name));
  if (verb && schema && hasIdempotencyToken(schema[4]))
    return {
      read: false,
      why: `the service model gives it an idempotency token, as it does only to calls that create`,
    };
  if (verb) return { read: true, why: `its name starts with ${verb}` };
  const how = method ? `HTTP ${method}` : 'no read binding';
  return {
    read: false,
    why: `neither the service model (${how}) nor its name (${READ_VERBS.join('/')}…) says it only reads`,
  };
}
