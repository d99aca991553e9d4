import type { ServiceModel, StructureShape } from '../model/shapes.js';
import { baseHeaders, type EncodedResponse } from './encode-output.js';
import { escapeXml, XML_DECLARATION } from './xml-shape-writer.js';

// The server imports the whole wire layer from here.
export { contentTypeFor, encodeOutput, type EncodedResponse } from './encode-output.js';
export { decodeJsonInput, parseJsonInput } from './json-input.js';
export { isProtocolInputError, ProtocolInputError } from './protocol-input-error.js';

export interface WireError {
  /** The code AWS sends, such as `NoSuchEntity`, `AccessDenied`, `AuthFailure`, `AccessDeniedException`. */
  code: string;
  message: string;
  status: number;
  /** Query protocol `<Type>`: Sender (the caller's fault) or Receiver. Defaults to status < 500. */
  senderFault?: boolean;
  /** rest-xml only: more elements of `<Error>` after `<Message>`, such as a redirect's `Endpoint` and `Bucket`. */
  fields?: Readonly<Record<string, string>>;
  /** Headers the error adds, such as S3's `x-amz-bucket-region`. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * An error response exactly as the service's protocol has AWS send it:
 * - query: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`
 * - ec2: `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
 * - json and rest-json: `{"__type":"Code","message":"…"}` and the `x-amzn-ErrorType` header
 * - rest-xml (S3): `<Error><Code/><Message/><RequestId/><HostId/></Error>`
 */
export function serializeError(model: ServiceModel, err: WireError, requestId: string): EncodedResponse {
  const code = wireErrorCode(model, err.code);
  const headers = { ...baseHeaders(model, requestId), ...err.headers };
  const text = (s: string) => escapeXml(s);
  switch (model.metadata.protocol) {
    case 'query': {
      const type = (err.senderFault ?? err.status < 500) ? 'Sender' : 'Receiver';
      const error = `<Error><Type>${type}</Type><Code>${text(code)}</Code><Message>${text(err.message)}</Message></Error>`;
      const body = `<ErrorResponse xmlns="${text(model.metadata.xmlNamespace ?? '')}">${error}<RequestId>${text(requestId)}</RequestId></ErrorResponse>`;
      return { status: err.status, headers, body };
    }
    case 'ec2': {
      const error = `<Error><Code>${text(code)}</Code><Message>${text(err.message)}</Message></Error>`;
      return {
        status: err.status,
        headers,
        body: `${XML_DECLARATION}<Response><Errors>${error}</Errors><RequestID>${text(requestId)}</RequestID></Response>`,
      };
    }
    case 'json':
    case 'rest-json': {
      const body = JSON.stringify({ __type: code, [messageKey(model, code)]: err.message });
      return { status: err.status, headers: { ...headers, 'x-amzn-ErrorType': code }, body };
    }
    case 'rest-xml': {
      const hostId = headers['x-amz-id-2'] ?? '';
      const fields = Object.entries(err.fields ?? {})
        .map(([name, value]) => `<${name}>${text(value)}</${name}>`)
        .join('');
      const error = `<Code>${text(code)}</Code><Message>${text(err.message)}</Message>${fields}<RequestId>${text(requestId)}</RequestId><HostId>${text(hostId)}</HostId>`;
      return { status: err.status, headers, body: `${XML_DECLARATION}<Error>${error}</Error>` };
    }
  }
}

/**
 * Query models name exceptions after their shape (`NoSuchEntityException`) but AWS sends the shape's
 * `error.code` (`NoSuchEntity`); a handler that used the shape name still gets the right wire code.
 */
export function wireErrorCode(model: ServiceModel, code: string): string {
  const shape = errorShape(model, code);
  return shape?.error?.code ?? code;
}

/**
 * JSON services differ in the case of the message key: Organizations models `Message`, DynamoDB
 * `message`. Both SDKs read either, but AWS sends the modelled one, so the sandbox does too.
 */
function messageKey(model: ServiceModel, code: string): string {
  const shape = errorShape(model, code);
  return shape !== undefined && Object.hasOwn(shape.members, 'Message') && !Object.hasOwn(shape.members, 'message')
    ? 'Message'
    : 'message';
}

function errorShape(model: ServiceModel, code: string): StructureShape | undefined {
  const shape = Object.hasOwn(model.shapes, code) ? model.shapes[code] : undefined;
  if (shape?.type === 'structure' && shape.exception === true) return shape;
  const byCode = Object.values(model.shapes).find(
    (s) => s.type === 'structure' && s.exception === true && s.error?.code === code,
  );
  return byCode?.type === 'structure' ? byCode : undefined;
}
