import { CrossbarError } from '../../core/errors.js';
import { isRecord } from './is-record.js';
import {
  SCALAR_TYPES,
  type ErrorTrait,
  type HttpBinding,
  type OperationModel,
  type OutputRef,
  type Protocol,
  type SerializationTraits,
  type ServiceMetadata,
  type ServiceModel,
  type Shape,
  type ShapeRef,
  type TimestampFormat,
  type XmlNamespace,
} from './shapes.js';

/**
 * Narrows the parsed JSON of a botocore `service-2.json` into a `ServiceModel`. Everything is checked, so
 * a model that botocore would reject fails here with the path of the bad field instead of producing a
 * wrong wire format later.
 */
export function parseServiceModel(json: unknown, source: string): ServiceModel {
  const root = record(json, source);
  const shapes: Record<string, Shape> = {};
  for (const [name, value] of Object.entries(record(root.shapes, `${source}.shapes`))) {
    shapes[name] = parseShape(record(value, `${source}.shapes.${name}`), `${source}.shapes.${name}`);
  }
  const operations: Record<string, OperationModel> = {};
  for (const [name, value] of Object.entries(record(root.operations, `${source}.operations`))) {
    operations[name] = parseOperation(record(value, `${source}.operations.${name}`), `${source}.operations.${name}`);
  }
  return {
    metadata: parseMetadata(record(root.metadata, `${source}.metadata`), `${source}.metadata`),
    operations,
    shapes,
  };
}

const PROTOCOLS: readonly Protocol[] = ['query', 'ec2', 'json', 'rest-json', 'rest-xml'];
const TIMESTAMP_FORMATS: readonly TimestampFormat[] = ['iso8601', 'unixTimestamp', 'rfc822'];

function parseMetadata(o: Record<string, unknown>, path: string): ServiceMetadata {
  const protocol = requiredString(o, 'protocol', path);
  const known = PROTOCOLS.find((p) => p === protocol);
  if (known === undefined) malformed(`${path}.protocol`, `unsupported protocol "${protocol}"`);
  return withoutUndefined({
    protocol: known,
    protocols: optionalStringList(o, 'protocols', path) ?? [known],
    apiVersion: requiredString(o, 'apiVersion', path),
    endpointPrefix: requiredString(o, 'endpointPrefix', path),
    serviceId: requiredString(o, 'serviceId', path),
    signingName: optionalString(o, 'signingName', path),
    targetPrefix: optionalString(o, 'targetPrefix', path),
    jsonVersion: optionalString(o, 'jsonVersion', path),
    xmlNamespace: optionalString(o, 'xmlNamespace', path),
  });
}

function parseOperation(o: Record<string, unknown>, path: string): OperationModel {
  const http = record(o.http, `${path}.http`);
  const binding: HttpBinding = withoutUndefined({
    method: requiredString(http, 'method', `${path}.http`),
    requestUri: requiredString(http, 'requestUri', `${path}.http`),
    responseCode: optionalNumber(http, 'responseCode', `${path}.http`),
  });
  const errors =
    o.errors === undefined ? [] : list(o.errors, `${path}.errors`).map((e, i) => parseRef(e, `${path}.errors.${i}`));
  const output: OutputRef | undefined =
    o.output === undefined
      ? undefined
      : withoutUndefined({
          ...parseRef(o.output, `${path}.output`),
          resultWrapper: optionalString(record(o.output, `${path}.output`), 'resultWrapper', `${path}.output`),
        });
  return withoutUndefined({
    name: requiredString(o, 'name', path),
    http: binding,
    input: o.input === undefined ? undefined : parseRef(o.input, `${path}.input`),
    output,
    errors,
  });
}

function parseShape(o: Record<string, unknown>, path: string): Shape {
  const base = withoutUndefined({
    ...parseTraits(o, path),
    error: parseErrorTrait(o.error, `${path}.error`),
    exception: optionalBoolean(o, 'exception', path),
  });
  const type = requiredString(o, 'type', path);
  switch (type) {
    case 'structure': {
      const members: Record<string, ShapeRef> = {};
      for (const [name, ref] of Object.entries(record(o.members ?? {}, `${path}.members`))) {
        members[name] = parseRef(ref, `${path}.members.${name}`);
      }
      const required = optionalStringList(o, 'required', path) ?? [];
      return withoutUndefined({ ...base, type, members, required, payload: optionalString(o, 'payload', path) });
    }
    case 'list':
      return { ...base, type, member: parseRef(o.member, `${path}.member`) };
    case 'map':
      return { ...base, type, key: parseRef(o.key, `${path}.key`), value: parseRef(o.value, `${path}.value`) };
    default: {
      const scalar = SCALAR_TYPES.find((t) => t === type);
      if (scalar === undefined) malformed(`${path}.type`, `unknown shape type "${type}"`);
      return { ...base, type: scalar };
    }
  }
}

function parseRef(value: unknown, path: string): ShapeRef {
  const o = record(value, path);
  return { shape: requiredString(o, 'shape', path), ...parseTraits(o, path) };
}

function parseTraits(o: Record<string, unknown>, path: string): SerializationTraits {
  const format = optionalString(o, 'timestampFormat', path);
  const timestampFormat = format === undefined ? undefined : TIMESTAMP_FORMATS.find((f) => f === format);
  if (format !== undefined && timestampFormat === undefined)
    malformed(`${path}.timestampFormat`, `unknown format "${format}"`);
  return withoutUndefined({
    locationName: optionalString(o, 'locationName', path),
    queryName: optionalString(o, 'queryName', path),
    flattened: optionalBoolean(o, 'flattened', path),
    location: optionalString(o, 'location', path),
    timestampFormat,
    xmlAttribute: optionalBoolean(o, 'xmlAttribute', path),
    xmlNamespace: parseXmlNamespace(o.xmlNamespace, `${path}.xmlNamespace`),
    jsonvalue: optionalBoolean(o, 'jsonvalue', path),
  });
}

function parseXmlNamespace(value: unknown, path: string): XmlNamespace | undefined {
  if (value === undefined) return undefined;
  const o = record(value, path);
  return withoutUndefined({ uri: requiredString(o, 'uri', path), prefix: optionalString(o, 'prefix', path) });
}

function parseErrorTrait(value: unknown, path: string): ErrorTrait | undefined {
  if (value === undefined) return undefined;
  const o = record(value, path);
  return withoutUndefined({
    code: optionalString(o, 'code', path),
    httpStatusCode: optionalNumber(o, 'httpStatusCode', path),
    senderFault: optionalBoolean(o, 'senderFault', path),
  });
}

// --- narrowing helpers -------------------------------------------------------------------------------

function malformed(path: string, problem: string): never {
  throw new CrossbarError('SANDBOX', `Service model is malformed at ${path}: ${problem}`, {
    hint: 'Re-vendor the model from botocore (botocore/data/<service>/<version>/service-2.json.gz)',
  });
}

function record(value: unknown, path: string): Record<string, unknown> {
  return isRecord(value) ? value : malformed(path, 'expected an object');
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) malformed(path, 'expected an array');
  return value;
}

function requiredString(o: Record<string, unknown>, key: string, path: string): string {
  const value = optionalString(o, key, path);
  if (value === undefined) malformed(`${path}.${key}`, 'missing');
  return value;
}

function optionalString(o: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = o[key];
  if (value === undefined || typeof value === 'string') return value;
  return malformed(`${path}.${key}`, 'expected a string');
}

function optionalNumber(o: Record<string, unknown>, key: string, path: string): number | undefined {
  const value = o[key];
  if (value === undefined || typeof value === 'number') return value;
  return malformed(`${path}.${key}`, 'expected a number');
}

function optionalBoolean(o: Record<string, unknown>, key: string, path: string): boolean | undefined {
  const value = o[key];
  if (value === undefined || typeof value === 'boolean') return value;
  return malformed(`${path}.${key}`, 'expected a boolean');
}

function optionalStringList(o: Record<string, unknown>, key: string, path: string): string[] | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  return list(value, `${path}.${key}`).map((item, i) =>
    typeof item === 'string' ? item : malformed(`${path}.${key}.${i}`, 'expected a string'),
  );
}

/**
 * Drops keys whose value is undefined, so that optional properties are absent rather than present and
 * undefined (the types say `key?: T`, and `exactOptionalPropertyTypes`-style checks and deep equality care).
 */
function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    if (Reflect.get(value, key) === undefined) Reflect.deleteProperty(value, key);
  }
  return value;
}
