/** The sandbox wire layer: request parameters in, AWS-exact response bodies out, driven by botocore models. */
export { parseQueryInput } from './query-input.js';
export { decodeJsonInput, parseJsonInput } from './json-input.js';
export { isProtocolInputError, ProtocolInputError } from './protocol-input-error.js';
export { serializeQueryOutput } from './query-output.js';
export { serializeJsonOutput } from './json-output.js';
export { serializeRestXmlOutput } from './rest-xml-output.js';
export { outputEnvelope, rawPayload, type HttpEnvelope } from './rest-bindings.js';
export { contentTypeFor, encodeOutput, type EncodedResponse } from './encode-output.js';
export { serializeError, wireErrorCode, type WireError } from './errors.js';
export type { SerializeOptions } from './wire-values.js';
