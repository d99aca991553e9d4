import { isRecord } from '../model/is-record.js';
import { resolveRef } from '../model/service-model.js';
import type { ResolvedShape, ServiceModel, StructureShape } from '../model/shapes.js';
import { outputStructure, requireOperation } from './operation-shapes.js';
import { joinPath, scalarJson, wrongValue, type SerializeOptions } from './wire-values.js';
import { isHttpBound, reportUnknownKeys } from './xml-shape-writer.js';

interface JsonWriteContext extends SerializeOptions {
  model: ServiceModel;
}

/**
 * The JSON body of a successful response for the `json` (Organizations, Cost Explorer, CloudTrail,
 * DynamoDB…) and `rest-json` protocols. Timestamps are epoch seconds (fractional when there are
 * milliseconds) unless the shape says `timestampFormat`, blobs are base64, and undefined members are
 * dropped. For rest-json only body members are written: header and status-code members go in the HTTP
 * envelope (see `encodeOutput`), and a structure `payload` member is the whole body.
 */
export function serializeJsonOutput(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  options: SerializeOptions = {},
): string {
  const operation = requireOperation(model, operationName);
  const shape = outputStructure(model, operation);
  if (shape === undefined) return '{}';
  const ctx: JsonWriteContext = { ...options, model };
  const value = output ?? {};
  if (model.metadata.protocol === 'rest-json' && shape.payload !== undefined) {
    const payload = payloadMember(model, shape, shape.payload);
    if (!isRecord(value)) return wrongValue('', 'an object', value);
    reportUnknownKeys(ctx, shape, value, '');
    const payloadValue = value[shape.payload];
    return payloadValue === undefined || payloadValue === null
      ? '{}'
      : JSON.stringify(toJson(ctx, payload, payloadValue, shape.payload));
  }
  return JSON.stringify(jsonStructure(ctx, shape, value, ''));
}

function payloadMember(model: ServiceModel, shape: StructureShape, name: string): ResolvedShape {
  const ref = shape.members[name];
  if (ref === undefined) return wrongValue(name, `a member of the output shape (the model's payload)`, undefined);
  return resolveRef(model, ref);
}

/** Converts one value to its JSON form as the resolved shape says. */
export function toJson(ctx: JsonWriteContext, resolved: ResolvedShape, value: unknown, path: string): unknown {
  const { shape, traits } = resolved;
  switch (shape.type) {
    case 'structure':
      return jsonStructure(ctx, shape, value, path);
    case 'list': {
      if (!Array.isArray(value)) return wrongValue(path, 'an array', value);
      const member = resolveRef(ctx.model, shape.member);
      return value.map((item, i) => (item === null ? null : toJson(ctx, member, item, joinPath(path, i))));
    }
    case 'map': {
      if (!isRecord(value)) return wrongValue(path, 'an object', value);
      const member = resolveRef(ctx.model, shape.value);
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      return Object.fromEntries(
        entries.map(([k, v]) => [k, v === null ? null : toJson(ctx, member, v, joinPath(path, k))]),
      );
    }
    default:
      return scalarJson(shape.type, value, path, traits.timestampFormat ?? 'unixTimestamp');
  }
}

function jsonStructure(
  ctx: JsonWriteContext,
  shape: StructureShape,
  value: unknown,
  path: string,
): Record<string, unknown> {
  if (!isRecord(value)) return wrongValue(path, 'an object', value);
  reportUnknownKeys(ctx, shape, value, path);
  const out: Record<string, unknown> = {};
  for (const [memberName, ref] of Object.entries(shape.members)) {
    const memberValue = value[memberName];
    if (memberValue === undefined || memberValue === null || isHttpBound(ref)) continue;
    const resolved = resolveRef(ctx.model, ref);
    out[resolved.traits.locationName ?? memberName] = toJson(ctx, resolved, memberValue, joinPath(path, memberName));
  }
  return out;
}
