import { CrossbarError } from '../../core/errors.js';

/**
 * A request whose parameters or body cannot be read as the model says: not JSON, or `MaxItems=abc`. It
 * carries the code AWS answers with (`SerializationException` for the JSON protocols, `ValidationError`
 * for query, `InvalidParameterValue` for EC2) so that the server can answer with a 400 in the request's
 * protocol instead of a 500.
 */
export class ProtocolInputError extends CrossbarError {
  readonly awsCode: string;
  readonly status = 400;

  constructor(awsCode: string, message: string, options: { cause?: unknown } = {}) {
    super('SANDBOX', message, { hint: 'The request does not match the service model; fix the caller', ...options });
    this.name = 'ProtocolInputError';
    this.awsCode = awsCode;
  }
}

export function isProtocolInputError(value: unknown): value is ProtocolInputError {
  return value instanceof ProtocolInputError;
}
