import { resolveRef } from '../model/service-model.js';
import type { ResolvedShape, ScalarType, ServiceModel, StructureShape } from '../model/shapes.js';
import { ProtocolInputError } from './protocol-input-error.js';
import { requireOperation } from './operation-shapes.js';

/**
 * Turns the flat form parameters of a `query` or `ec2` request into a structured input, member names as
 * in the model. The parameter names follow botocore's `QuerySerializer` and `EC2Serializer` (which the
 * SDK's `QueryShapeSerializer` matches):
 *
 * | value        | query protocol (STS, IAM)                    | ec2 protocol                      |
 * |--------------|----------------------------------------------|-----------------------------------|
 * | member       | `locationName`, else the member name          | `queryName`, else `LocationName`   |
 * |              |                                              | capitalized, else the member name |
 * | list item    | `Tags.member.1` (the list member's            | `InstanceId.1`: no `member`, and   |
 * |              | `locationName` instead of `member`); a        | the list member's `locationName`   |
 * |              | flattened list: `Name.1`; empty list: `Name=` | is ignored                        |
 * | map pair     | `Attr.entry.1.key` / `Attr.entry.1.value`     | the same                          |
 *
 * Numbers, booleans, timestamps (ISO 8601 or epoch seconds) and blobs (base64) are converted by type;
 * parameters the input shape does not have (`Action`, `Version`, typos) are ignored, as AWS does.
 */
export function parseQueryInput(
  model: ServiceModel,
  operationName: string,
  params: URLSearchParams,
): Record<string, unknown> {
  const operation = requireOperation(model, operationName);
  if (operation.input === undefined) return {};
  const input = resolveRef(model, operation.input);
  if (input.shape.type !== 'structure') return {};
  const reader: Reader = {
    model,
    ec2: model.metadata.protocol === 'ec2',
    params: new Map(params),
    keys: [...new Set(params.keys())],
  };
  return readStructure(reader, input.shape, '');
}

interface Reader {
  model: ServiceModel;
  ec2: boolean;
  params: Map<string, string>;
  keys: string[];
}

function readStructure(r: Reader, shape: StructureShape, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [memberName, ref] of Object.entries(shape.members)) {
    const resolved = resolveRef(r.model, ref);
    const value = readValue(r, resolved, join(prefix, paramName(r, memberName, resolved)));
    if (value !== undefined) out[memberName] = value;
  }
  return out;
}

function paramName(r: Reader, memberName: string, { traits }: ResolvedShape): string {
  if (!r.ec2) return traits.locationName ?? memberName;
  if (traits.queryName !== undefined) return traits.queryName;
  const location = traits.locationName;
  return location === undefined ? memberName : location.charAt(0).toUpperCase() + location.slice(1);
}

function readValue(r: Reader, resolved: ResolvedShape, name: string): unknown {
  const { shape } = resolved;
  switch (shape.type) {
    case 'structure':
      return hasParamsUnder(r, name) ? readStructure(r, shape, name) : undefined;
    case 'list': {
      const member = resolveRef(r.model, shape.member);
      const itemsPrefix = listItemsPrefix(r, resolved, member, name);
      const indexes = indexesUnder(r, itemsPrefix);
      // The query protocol sends `Name=` for an empty list (the SDK's serializeEmptyLists).
      if (indexes.length === 0) return !r.ec2 && r.params.get(name) === '' ? [] : undefined;
      return indexes.map((i) => readValue(r, member, `${itemsPrefix}.${i}`));
    }
    case 'map': {
      const key = resolveRef(r.model, shape.key);
      const value = resolveRef(r.model, shape.value);
      const entries = resolved.traits.flattened === true ? name : `${name}.entry`;
      const pairs = indexesUnder(r, entries).map((i) => {
        const k = readValue(r, key, `${entries}.${i}.${key.traits.locationName ?? 'key'}`);
        return [k, readValue(r, value, `${entries}.${i}.${value.traits.locationName ?? 'value'}`)] as const;
      });
      return pairs.length === 0 ? undefined : Object.fromEntries(pairs.filter(([k]) => typeof k === 'string'));
    }
    default: {
      const raw = r.params.get(name);
      return raw === undefined ? undefined : convertScalar(r, shape.type, raw, name);
    }
  }
}

function listItemsPrefix(r: Reader, list: ResolvedShape, member: ResolvedShape, name: string): string {
  if (r.ec2) return name;
  if (list.traits.flattened !== true) return `${name}.${member.traits.locationName ?? 'member'}`;
  // A flattened list whose member is named replaces the last segment: `Foo` becomes `Bar.1`, `Bar.2`.
  const itemName = member.traits.locationName;
  return itemName === undefined ? name : join(name.slice(0, Math.max(0, name.lastIndexOf('.'))), itemName);
}

function convertScalar(r: Reader, type: ScalarType, raw: string, name: string): unknown {
  switch (type) {
    case 'string':
      return raw;
    case 'integer':
    case 'long':
      return /^-?\d+$/.test(raw) ? Number(raw) : invalid(r, raw, name, 'an integer');
    case 'double':
    case 'float': {
      const n = Number(raw);
      return raw.trim() !== '' && (!Number.isNaN(n) || raw === 'NaN') ? n : invalid(r, raw, name, 'a number');
    }
    case 'boolean':
      if (/^true$/i.test(raw)) return true;
      if (/^false$/i.test(raw)) return false;
      return invalid(r, raw, name, 'true or false');
    case 'timestamp': {
      const date = /^-?\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
      return Number.isNaN(date.getTime()) ? invalid(r, raw, name, 'an ISO 8601 timestamp') : date;
    }
    case 'blob':
      return new Uint8Array(Buffer.from(raw, 'base64'));
  }
}

function invalid(r: Reader, raw: string, name: string, expected: string): never {
  throw new ProtocolInputError(
    r.ec2 ? 'InvalidParameterValue' : 'ValidationError',
    `Invalid value '${raw}' for parameter ${name}: expected ${expected}`,
  );
}

function hasParamsUnder(r: Reader, prefix: string): boolean {
  return r.keys.some((key) => key.startsWith(`${prefix}.`));
}

/** The distinct N of the parameters named `<prefix>.N` or `<prefix>.N.…`, in numeric order. */
function indexesUnder(r: Reader, prefix: string): number[] {
  const indexes = new Set<number>();
  for (const key of r.keys) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const segment = key.slice(prefix.length + 1).split('.', 1)[0] ?? '';
    if (/^\d+$/.test(segment)) indexes.add(Number(segment));
  }
  return [...indexes].sort((a, b) => a - b);
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}
