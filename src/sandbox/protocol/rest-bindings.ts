import { isRecord } from '../model/is-record.js';
import { resolveRef } from '../model/service-model.js';
import type { ResolvedShape, ServiceModel, StructureShape } from '../model/shapes.js';
import { joinPath, scalarText, wrongValue } from './wire-values.js';

export interface HttpEnvelope {
  status?: number;
  headers: Record<string, string>;
}

/**
 * The parts of a REST output that travel outside the body: members with `location: header` (for
 * example S3's `x-amz-bucket-region`), `location: headers` maps (`x-amz-meta-*`) and
 * `location: statusCode`. Header timestamps are RFC 822 dates unless the shape says otherwise.
 */
export function outputEnvelope(model: ServiceModel, shape: StructureShape, output: unknown): HttpEnvelope {
  const envelope: HttpEnvelope = { headers: {} };
  if (!isRecord(output)) return envelope;
  for (const [memberName, ref] of Object.entries(shape.members)) {
    const value = output[memberName];
    if (value === undefined || value === null || ref.location === undefined) continue;
    const resolved = resolveRef(model, ref);
    const name = resolved.traits.locationName ?? memberName;
    if (ref.location === 'header') envelope.headers[name] = headerText(model, resolved, value, memberName);
    if (ref.location === 'headers') Object.assign(envelope.headers, prefixedHeaders(name, value, memberName));
    if (ref.location === 'statusCode') {
      if (typeof value !== 'number' || !Number.isInteger(value))
        return wrongValue(memberName, 'an integer status code', value);
      envelope.status = value;
    }
  }
  return envelope;
}

/**
 * A payload member that is a blob or a string is the raw body (S3 GetObject, Lambda Invoke); returns
 * undefined when the output has no such payload.
 */
export function rawPayload(
  model: ServiceModel,
  shape: StructureShape,
  output: unknown,
): string | Uint8Array | undefined {
  if (shape.payload === undefined || !isRecord(output)) return undefined;
  const ref = shape.members[shape.payload];
  if (ref === undefined) return undefined;
  const { shape: payload } = resolveRef(model, ref);
  if (payload.type !== 'blob' && payload.type !== 'string') return undefined;
  const value = output[shape.payload];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  return wrongValue(shape.payload, 'a string or a Uint8Array', value);
}

function headerText(model: ServiceModel, resolved: ResolvedShape, value: unknown, path: string): string {
  const { shape, traits } = resolved;
  if (traits.jsonvalue === true) return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
  if (shape.type === 'list') {
    if (!Array.isArray(value)) return wrongValue(path, 'an array', value);
    const member = resolveRef(model, shape.member);
    return value.map((item, i) => headerText(model, member, item, joinPath(path, i))).join(', ');
  }
  if (shape.type === 'structure' || shape.type === 'map')
    return wrongValue(path, 'a scalar (header members cannot be structures)', value);
  return scalarText(shape.type, value, path, traits.timestampFormat ?? 'rfc822');
}

function prefixedHeaders(prefix: string, value: unknown, path: string): Record<string, string> {
  if (!isRecord(value)) return wrongValue(path, 'an object of header values', value);
  const headers: Record<string, string> = {};
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') return wrongValue(joinPath(path, key), 'a string', text);
    headers[`${prefix}${key}`] = text;
  }
  return headers;
}
