import { CrossbarError } from '../errors.js';
import type { ResolvedOperation } from './find-operation.js';
import { didYouMean, nearestNames } from './suggest.js';

/**
 * Checks JSON parameters against the operation's input shape before anything is sent, using the SDK's own
 * static schemas (schema-based clients carry `[9, ns, name, traits, input, output]` on every command). The SDK
 * itself silently drops members it does not know, so a typo such as `Filter` for `Filters` would otherwise
 * widen the call to everything. Also turns JSON's strings into what the SDK wants for timestamps and blobs.
 *
 * Static schema layout (from @smithy/core/schema): a number is a simple type (0 string, 1 number, 2 boolean,
 * 4–7 timestamps, 15 document, 21/42 blob, `64|x` list of x, `128|x` map of x); arrays are
 * `[0, ns, name, traits, ref]` simple, `[1, …, value]` list, `[2, …, key, value]` map,
 * `[3 | -3 | 4, …, memberNames, memberSchemas, requiredCount]` structure, error, union; `[ref, traits]` is a
 * member; functions are lazy references.
 */
type Kind =
  'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document' | 'list' | 'map' | 'structure' | 'unknown';

export interface Shape {
  kind: Kind;
  members?: { names: string[]; refs: unknown[]; required: number };
  value?: unknown;
}

function deref(ref: unknown): unknown {
  let current = ref;
  for (let i = 0; i < 10; i += 1) {
    if (typeof current === 'function') current = (current as () => unknown)();
    else if (Array.isArray(current) && current.length === 2) current = current[0];
    else break;
  }
  return current;
}

function simpleKind(n: number): Shape {
  if (n >= 128 && n <= 255) return { kind: 'map', value: n & 0b0011_1111 };
  if (n >= 64 && n < 128) return { kind: 'list', value: n & 0b0011_1111 };
  if (n === 0) return { kind: 'string' };
  if (n === 1 || n === 17 || n === 19) return { kind: 'number' };
  if (n === 2) return { kind: 'boolean' };
  if (n >= 4 && n <= 7) return { kind: 'timestamp' };
  if (n === 15) return { kind: 'document' };
  if (n === 21 || n === 42) return { kind: 'blob' };
  return { kind: 'unknown' };
}

export function shapeOf(ref: unknown): Shape {
  const s = deref(ref);
  if (typeof s === 'number') return simpleKind(s);
  if (!Array.isArray(s) || s.length < 5) return { kind: 'unknown' };
  const tag: unknown = s[0];
  if (tag === 0) return shapeOf(s[4]);
  if (tag === 1) return { kind: 'list', value: s[4] };
  if (tag === 2) return { kind: 'map', value: s[5] };
  if ((tag === 3 || tag === -3 || tag === 4) && Array.isArray(s[4]) && Array.isArray(s[5])) {
    const names = s[4].filter((n): n is string => typeof n === 'string');
    const required = tag === 3 && typeof s[6] === 'number' ? s[6] : 0;
    return { kind: 'structure', members: { names, refs: s[5], required } };
  }
  return { kind: 'unknown' };
}

/** The input shape of an operation, or undefined when the client carries no schema (then nothing is checked). */
export function inputShapeOf(operation: ResolvedOperation): Shape | undefined {
  const schema = deref(operation.createCommand({}).schema);
  if (!Array.isArray(schema) || schema[0] !== 9 || schema.length < 6) return undefined;
  const input = shapeOf(schema[4]);
  return input.kind === 'structure' ? input : undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Returns the value converted for the SDK; pushes every problem found (all at once, not the first). */
function check(value: unknown, shape: Shape, path: string, problems: string[]): unknown {
  const where = path || 'the parameters';
  switch (shape.kind) {
    case 'structure': {
      if (!isPlainObject(value)) {
        problems.push(`${where} must be an object, not ${describe(value)}`);
        return value;
      }
      const { names, refs, required } = shape.members ?? { names: [], refs: [], required: 0 };
      const out: Record<string, unknown> = {};
      for (const [key, member] of Object.entries(value)) {
        const index = names.indexOf(key);
        const at = path ? `${path}.${key}` : key;
        if (index < 0) {
          const near = didYouMean(nearestNames(key, names));
          problems.push(`${at} is not a parameter${path ? ` of ${path}` : ''}${near ? ` (${near})` : ''}`);
          continue;
        }
        out[key] = check(member, shapeOf(refs[index]), at, problems);
      }
      const missing = names.slice(0, required).filter((n) => value[n] === undefined);
      if (missing.length > 0)
        problems.push(`${path ? `${path} needs` : 'missing required'} ${missing.map((m) => `'${m}'`).join(', ')}`);
      return out;
    }
    case 'list':
      if (!Array.isArray(value)) {
        problems.push(`${where} must be a list, not ${describe(value)}`);
        return value;
      }
      return value.map((item, i) => check(item, shapeOf(shape.value), `${path}[${i}]`, problems));
    case 'map':
      if (!isPlainObject(value)) {
        problems.push(`${where} must be an object (a map), not ${describe(value)}`);
        return value;
      }
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, check(v, shapeOf(shape.value), `${path}.${k}`, problems)]),
      );
    case 'string':
      if (typeof value !== 'string') problems.push(`${where} must be a string, not ${describe(value)}`);
      return value;
    case 'number':
      if (typeof value !== 'number') problems.push(`${where} must be a number, not ${describe(value)}`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${where} must be true or false, not ${describe(value)}`);
      return value;
    case 'timestamp': {
      // As the AWS CLI does: an ISO 8601 string or epoch seconds.
      const date =
        typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
      if (!date || Number.isNaN(date.getTime())) {
        problems.push(`${where} must be a date such as 2024-01-31T00:00:00Z, not ${describe(value)}`);
        return value;
      }
      return date;
    }
    case 'blob':
      if (typeof value === 'string') return new TextEncoder().encode(value);
      problems.push(`${where} must be a string, not ${describe(value)}`);
      return value;
    default:
      return value;
  }
}

/**
 * The parameters as the SDK wants them, or USAGE (exit 2) listing every problem with the closest valid names:
 * the same parameters go to every target, so a run with parameters that cannot fit stops before any call.
 */
export function validateInput(operation: ResolvedOperation, input: unknown): Record<string, unknown> {
  const shape = inputShapeOf(operation);
  const label = `${operation.service.name} ${operation.name}`;
  if (!isPlainObject(input))
    throw new CrossbarError('USAGE', `The parameters of ${label} must be a JSON object, not ${describe(input)}`, {
      hint: `e.g. '{"MaxResults": 5}'`,
    });
  if (!shape) return input;
  const problems: string[] = [];
  const converted = check(input, shape, '', problems);
  if (problems.length > 0 || !isPlainObject(converted)) {
    const valid = shape.members?.names ?? [];
    throw new CrossbarError('USAGE', `The parameters do not fit ${label}: ${problems.join('; ')}`, {
      hint: valid.length > 0 ? `${label} takes ${valid.join(', ')}` : `${label} takes no parameters`,
    });
  }
  return converted;
}

/** Parses the JSON argument of `run`; USAGE with the parser's position on a syntax error. */
export function parseJsonInput(text: string | undefined): unknown {
  if (text === undefined || text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CrossbarError(
      'USAGE',
      `The parameters are not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      {
        hint: `Quote them for the shell, e.g. '{"Filters": [{"Name": "instance-state-name", "Values": ["running"]}]}'`,
        cause: err,
      },
    );
  }
}
