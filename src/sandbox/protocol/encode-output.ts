import { CrossbarError } from '../../core/errors.js';
import type { ServiceModel } from '../model/shapes.js';
import { serializeJsonOutput } from './json-output.js';
import { outputStructure, requireOperation } from './operation-shapes.js';
import { serializeQueryOutput } from './query-output.js';
import { outputEnvelope, rawPayload } from './rest-bindings.js';
import { serializeRestXmlOutput } from './rest-xml-output.js';
import type { SerializeOptions } from './wire-values.js';

export interface EncodedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The content type AWS answers with, per protocol. */
export function contentTypeFor(model: ServiceModel): string {
  switch (model.metadata.protocol) {
    case 'query':
      return 'text/xml';
    case 'ec2':
      return 'text/xml;charset=UTF-8';
    case 'json':
      // botocore's default when a JSON model has no jsonVersion.
      return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.0'}`;
    case 'rest-json':
      return 'application/json';
    case 'rest-xml':
      return 'application/xml';
  }
}

/**
 * Headers every response carries: the content type and the request id where the SDKs look for it
 * (`x-amzn-RequestId`; S3 uses `x-amz-request-id` and an `x-amz-id-2` host id).
 */
export function baseHeaders(model: ServiceModel, requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentTypeFor(model) };
  if (model.metadata.protocol === 'rest-xml') {
    headers['x-amz-request-id'] = requestId;
    headers['x-amz-id-2'] = Buffer.from(`crossbar-sandbox/${requestId}`, 'utf8').toString('base64');
  } else {
    headers['x-amzn-RequestId'] = requestId;
  }
  return headers;
}

/** A successful response: the right serializer for the model's protocol, with its status and headers. */
export function encodeOutput(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  requestId: string,
  options: SerializeOptions = {},
): EncodedResponse {
  const headers = baseHeaders(model, requestId);
  switch (model.metadata.protocol) {
    case 'query':
    case 'ec2':
      return { status: 200, headers, body: serializeQueryOutput(model, operationName, output, requestId, options) };
    case 'json':
      return { status: 200, headers, body: serializeJsonOutput(model, operationName, output, options) };
    case 'rest-json':
    case 'rest-xml':
      return encodeRestOutput(model, operationName, output, headers, options);
  }
}

function encodeRestOutput(
  model: ServiceModel,
  operationName: string,
  output: unknown,
  headers: Record<string, string>,
  options: SerializeOptions,
): EncodedResponse {
  const operation = requireOperation(model, operationName);
  const shape = outputStructure(model, operation);
  const envelope = shape === undefined ? { headers: {} } : outputEnvelope(model, shape, output);
  const status = envelope.status ?? operation.http.responseCode ?? 200;
  const merged = mergeHeaders(headers, envelope.headers);
  const raw = shape === undefined ? undefined : rawPayload(model, shape, output);
  if (raw instanceof Uint8Array) {
    throw new CrossbarError('SANDBOX', `${operationName} returns a binary payload, which the sandbox cannot send yet`, {
      hint: 'Return the payload as a string, or extend EncodedResponse with a byte body',
    });
  }
  if (raw !== undefined) return { status, headers: merged, body: raw };
  const body =
    model.metadata.protocol === 'rest-json'
      ? status === 204
        ? ''
        : serializeJsonOutput(model, operationName, output, options)
      : serializeRestXmlOutput(model, operationName, output, options);
  return { status, headers: merged, body };
}

/** Header names are case-insensitive: an output member's `Content-Type` replaces the default one. */
function mergeHeaders(base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const merged = { ...base };
  for (const [name, value] of Object.entries(extra)) {
    for (const existing of Object.keys(merged))
      if (existing.toLowerCase() === name.toLowerCase()) delete merged[existing];
    merged[name] = value;
  }
  return merged;
}
