import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CrossbarError } from '../../core/errors.js';
import { parseServiceModel } from './parse-service-model.js';
import type { OperationModel, ResolvedShape, ServiceModel, ShapeRef } from './shapes.js';

export type * from './shapes.js';

/**
 * Where the vendored models live, relative to this module: `../models/` when running from `src/`, and
 * `../../../src/sandbox/models/` when compiled to `dist/sandbox/model/` (the package ships
 * `src/sandbox/models` rather than copying the models into `dist`).
 */
const MODEL_DIRS = ['../models/', '../../../src/sandbox/models/'];

/** Returns the path of the first candidate directory that holds `<file>`, or undefined. */
export function findModelFile(
  file: string,
  dirs: readonly string[] = MODEL_DIRS,
  base: string | URL = import.meta.url,
): string | undefined {
  for (const dir of dirs) {
    const path = fileURLToPath(new URL(`${dir}${file}`, base));
    if (existsSync(path)) return path;
  }
  return undefined;
}

// Parsed models are immutable and expensive to build (EC2's is 5 MB of JSON), so they are shared.
const cache = new Map<string, ServiceModel>();

/** Reads, gunzips and parses `src/sandbox/models/<service>.json.gz`, once per service. */
export function loadServiceModel(service: string): ServiceModel {
  const cached = cache.get(service);
  if (cached !== undefined) return cached;
  // The name may come from a request (host, X-Amz-Target, signing scope): never let it walk the file system.
  if (!/^[a-z0-9-]+$/.test(service)) {
    throw new CrossbarError('SANDBOX', `"${service}" is not a service model name`, {
      hint: 'Use the lower-case botocore name, such as sts or ec2',
    });
  }
  const path = findModelFile(`${service}.json.gz`);
  if (path === undefined) {
    throw new CrossbarError('SANDBOX', `No service model for "${service}" in src/sandbox/models`, {
      hint: `Vendor botocore/data/${service}/<version>/service-2.json.gz as src/sandbox/models/${service}.json.gz`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8'));
  } catch (cause) {
    throw new CrossbarError('SANDBOX', `Could not read the service model ${path}`, {
      hint: 'Re-vendor it from botocore',
      cause,
    });
  }
  const model = parseServiceModel(json, service);
  cache.set(service, model);
  return model;
}

/** The operation called `name` (as in `Action=` or `X-Amz-Target`), or undefined for an unknown action. */
export function findOperation(model: ServiceModel, name: string): OperationModel | undefined {
  return Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
}

export function operationNames(model: ServiceModel): string[] {
  return Object.keys(model.operations);
}

/**
 * The shape a reference points at, with the reference's traits merged over the shape's own, the way
 * botocore does it: `{ shape: 'TagList', locationName: 'tagSet' }` keeps TagList's `flattened` but names
 * the element `tagSet`.
 */
export function resolveRef(model: ServiceModel, ref: ShapeRef): ResolvedShape {
  const shape = Object.hasOwn(model.shapes, ref.shape) ? model.shapes[ref.shape] : undefined;
  if (shape === undefined) {
    throw new CrossbarError('SANDBOX', `Shape ${ref.shape} of ${model.metadata.serviceId} is not in its model`, {
      hint: 'Re-vendor the model from botocore',
    });
  }
  const { shape: name, ...refTraits } = ref;
  const { locationName, queryName, flattened, location, timestampFormat, xmlAttribute, xmlNamespace, jsonvalue } =
    shape;
  const shapeTraits = {
    locationName,
    queryName,
    flattened,
    location,
    timestampFormat,
    xmlAttribute,
    xmlNamespace,
    jsonvalue,
  };
  // Absent traits are undefined here; the reference's own traits are never undefined (the parser drops them).
  return { name, shape, traits: { ...shapeTraits, ...refTraits } };
}
