import { CrossbarError } from '../errors.js';
import type { AwsClient, Middleware } from './types.js';

/**
 * An answer that did not come from AWS: a proxy's or a web server's HTML page, an endpoint that is not what
 * crossbar.yaml says it is. The SDK then fails to parse it and throws a `SyntaxError` ("Unexpected token '<' …
 * inspect the hidden field {error}.$response") or a service error named `Unknown`, neither of which names the
 * problem. AWS (and any emulator worth the name) always answers with a parseable error code.
 */
export interface NonAwsAnswer {
  status: number;
  contentType: string | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Names the SDK gives an error whose body it could not read as AWS's. */
const UNPARSED = new Set(['SyntaxError', 'Unknown', 'UnknownError']);

export function nonAwsAnswer(err: unknown): NonAwsAnswer | undefined {
  if (!isRecord(err)) return undefined;
  const response = err['$response'];
  if (!isRecord(response) || typeof response['statusCode'] !== 'number') return undefined;
  const name = typeof err['name'] === 'string' ? err['name'] : '';
  if (!UNPARSED.has(name) && !('$responseBodyText' in err)) return undefined;
  const headers = isRecord(response['headers']) ? response['headers'] : {};
  const type = Object.entries(headers).find(([key]) => key.toLowerCase() === 'content-type')?.[1];
  return { status: response['statusCode'], contentType: typeof type === 'string' ? type : undefined };
}

/** Where a request went, as `http://host:port`: the endpoint to name in the message. */
function originOf(request: unknown): string | undefined {
  if (!isRecord(request) || typeof request['hostname'] !== 'string') return undefined;
  const protocol = typeof request['protocol'] === 'string' ? request['protocol'].replace(/:?$/, ':') : 'https:';
  const port = typeof request['port'] === 'number' ? `:${request['port']}` : '';
  return `${protocol}//${request['hostname']}${port}`;
}

export function nonAwsAnswerError(answer: NonAwsAnswer, where: string | undefined, cause: unknown): CrossbarError {
  const page = answer.contentType ? `It sent ${answer.contentType.split(';')[0] ?? answer.contentType}. ` : '';
  return new CrossbarError('NOT_AWS', `HTTP ${answer.status} from ${where ?? 'the endpoint'}, not an AWS response`, {
    hint: `${page}Check \`endpoint\` in crossbar.yaml (is the sandbox running there?) and any proxy (HTTPS_PROXY) in between`,
    cause,
  });
}

/**
 * Turns a non-AWS answer into one CrossbarError naming the status and the endpoint. It sits in the build step,
 * outside the SDK's retries (a 502 from a proxy may pass), where the request already has its final address.
 */
export const nonAwsAnswerMiddleware: Middleware = (next) => async (args) => {
  try {
    return await next(args);
  } catch (err) {
    const answer = nonAwsAnswer(err);
    if (!answer) throw err;
    throw nonAwsAnswerError(answer, originOf(isRecord(args) ? args['request'] : undefined), err);
  }
};

export function addNonAwsAnswerCheck(client: AwsClient): void {
  client.middlewareStack.add(nonAwsAnswerMiddleware, { step: 'build', name: 'crossbarNonAwsAnswer' });
}
