import { isRecord } from '../model/is-record.js';
import { resolveRef } from '../model/service-model.js';
import type { ResolvedShape, ServiceModel, StructureShape } from '../model/shapes.js';
import { requireOperation } from './operation-shapes.js';
import { ProtocolInputError } from './protocol-input-error.js';

/**
 * The body of a `json` or `rest-json` request: `{}` when empty (the SDK sends `{}`, but curl users and
 * some operations send nothing), a `ProtocolInputError` with AWS's `SerializationException` when it is
 * not a JSON object.
 */
export function parseJsonInput(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (cause) {
    throw new ProtocolInputError(
      'SerializationException',
      'Start of structure or map found where not expected, or the body is not JSON',
      { cause },
    );
  }
  if (!isRecord(parsed))
    throw new ProtocolInputError('SerializationException', 'The request body must be a JSON object');
  return parsed;
}

/**
 * Makes a parsed JSON body look like what `parseQueryInput` returns: timestamps (epoch seconds or ISO
 * strings) become Dates, blobs (base64) become Uint8Arrays, JSON keys renamed by `locationName` get
 * their member names back, and keys the input shape does not have are dropped. A value of the wrong JSON
 * type is a `SerializationException`, as on AWS.
 */
export function decodeJsonInput(
  model: ServiceModel,
  operationName: string,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const operation = requireOperation(model, operationName);
  if (operation.input === undefined) return {};
  const input = resolveRef(model, operation.input);
  return input.shape.type === 'structure' ? decodeStructure(model, input.shape, body, '') : {};
}

function decodeStructure(
  model: ServiceModel,
  shape: StructureShape,
  value: unknown,
  path: string,
): Record<string, unknown> {
  if (!isRecord(value)) return mismatch(path, 'an object');
  const out: Record<string, unknown> = {};
  for (const [memberName, ref] of Object.entries(shape.members)) {
    if (ref.location !== undefined) continue; // rest-json: bound to the URI, query string or headers
    const resolved = resolveRef(model, ref);
    const raw = value[resolved.traits.locationName ?? memberName];
    if (raw !== undefined && raw !== null)
      out[memberName] = decodeValue(model, resolved, raw, path === '' ? memberName : `${path}.${memberName}`);
  }
  return out;
}

function decodeValue(model: ServiceModel, resolved: ResolvedShape, value: unknown, path: string): unknown {
  const { shape } = resolved;
  switch (shape.type) {
    case 'structure':
      return decodeStructure(model, shape, value, path);
    case 'list': {
      if (!Array.isArray(value)) return mismatch(path, 'an array');
      const member = resolveRef(model, shape.member);
      return value.map((item, i) => (item === null ? null : decodeValue(model, member, item, `${path}.${i}`)));
    }
    case 'map': {
      if (!isRecord(value)) return mismatch(path, 'an object');
      const member = resolveRef(model, shape.value);
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, v === null ? null : decodeValue(model, member, v, `${path}.${k}`)]),
      );
    }
    case 'string':
      return typeof value === 'string' ? value : mismatch(path, 'a string');
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch(path, 'a boolean');
    case 'integer':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value) ? value : mismatch(path, 'an integer');
    case 'double':
    case 'float':
      if (typeof value === 'number') return value;
      return value === 'NaN' || value === 'Infinity' || value === '-Infinity'
        ? Number(value)
        : mismatch(path, 'a number');
    case 'timestamp': {
      const date =
        typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
      return date !== undefined && !Number.isNaN(date.getTime()) ? date : mismatch(path, 'a timestamp (epoch seconds)');
    }
    case 'blob':
      return typeof value === 'string'
        ? new Uint8Array(Buffer.from(value, 'base64'))
        : mismatch(path, 'a base64 string');
  }
}

function mismatch(path: string, expected: string): never {
  throw new ProtocolInputError(
    'SerializationException',
    `Unexpected value for ${path || 'the request body'}: expected ${expected}`,
  );
}
