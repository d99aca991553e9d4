import { CrossbarError } from '../errors.js';
import type { ResolvedOperation } from './find-operation.js';
import type { AwsClient } from './types.js';

/**
 * One operation call with the SDK's own paginator when the package has one (`paginateDescribeInstances`):
 * pages are merged into one answer, list members concatenated in page order, the continuation token dropped.
 */
export interface CallOptions {
  /** Follow every page (default true); false sends one request, as `--no-paginate`. */
  paginate?: boolean;
  signal?: AbortSignal;
}

export type OperationOutput = Record<string, unknown>;

/** Tokens that only make sense between pages; a merged answer is complete, so they go. */
const PAGE_KEYS = new Set([
  'NextToken',
  'nextToken',
  'NextMarker',
  'Marker',
  'NextPageToken',
  'nextPageToken',
  'ContinuationToken',
  'NextContinuationToken',
  'IsTruncated',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The answer without the SDK's `$metadata` (request id, attempts): data, not transport. */
export function withoutMetadata(output: unknown): OperationOutput {
  if (!isRecord(output)) return {};
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

export function mergePages(pages: readonly OperationOutput[]): OperationOutput {
  const merged: OperationOutput = {};
  for (const page of pages) {
    for (const [key, value] of Object.entries(page)) {
      const prior = merged[key];
      merged[key] = Array.isArray(value) && Array.isArray(prior) ? [...prior, ...value] : value;
    }
  }
  for (const key of PAGE_KEYS) delete merged[key];
  return merged;
}

export async function callOperation(
  client: AwsClient,
  operation: ResolvedOperation,
  input: Record<string, unknown>,
  options: CallOptions = {},
): Promise<OperationOutput> {
  const sendOptions = options.signal ? { abortSignal: options.signal } : {};
  if (options.paginate === false || !operation.paginator) {
    return withoutMetadata(await client.send(operation.createCommand(input), sendOptions));
  }
  // The paginator writes its token into the input object: each call gets its own copy.
  const pages = operation.paginator({ client }, { ...input }, sendOptions);
  if (!isAsyncIterable(pages))
    throw new CrossbarError(
      'ERROR',
      `paginate${operation.name} of ${operation.service.package} is not an async iterator`,
    );
  const collected: OperationOutput[] = [];
  for await (const page of pages) collected.push(withoutMetadata(page));
  return mergePages(collected);
}
