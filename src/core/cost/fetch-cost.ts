import { DEFAULT_REGION } from '../config/registry.js';
import type { GetCostAndUsageCommandOutput } from '@aws-sdk/client-cost-explorer';
import { createAwsClient } from '../aws-clients/index.js';
import type { Credentials } from '../credentials/credentials.js';
import { awsErrorFacts, endpointUnreachable, isUnreachable } from '../credentials/sts-errors.js';
import { CrossbarError } from '../errors.js';
import { ceGroupByFor } from './cost-options.js';
import type { CostData, CostQuery } from './types.js';
import { requireSdk } from '../aws-clients/require-sdk.js';

const { CostExplorerClient, GetCostAndUsageCommand } = requireSdk('@aws-sdk/client-cost-explorer');
type CostExplorerClient = InstanceType<typeof CostExplorerClient>;

/**
 * One GetCostAndUsage question to the payer account, every page (NextPageToken) merged. The SDK has no
 * paginateGetCostAndUsage (the operation is not marked pageable in its model), so the page loop is here.
 */
export const CE_PERMISSION = 'ce:GetCostAndUsage';

/** Who asks: the payer account and the principal, for messages that name them. */
export interface CostPayer {
  accountId: string;
  /** `management (111111111111)`, or just the id. */
  label: string;
  /** `the source (profile alice)` or `role CrossbarHub`. */
  via: string;
}

export interface FetchCostOptions {
  credentials: Credentials | (() => Promise<Credentials>);
  endpoint?: string | undefined;
  payer: CostPayer;
  signal?: AbortSignal;
  maxAttempts?: number;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
]);

/** What a refusal means in crossbar's words: the account, the permission, and what to do next. */
export function costFailure(err: unknown, options: Pick<FetchCostOptions, 'payer' | 'endpoint'>): CrossbarError {
  const facts = awsErrorFacts(err);
  const { payer } = options;
  if (isUnreachable(err)) return endpointUnreachable(options.endpoint, DEFAULT_REGION, err);
  if (DENIED.has(facts.name) || facts.status === 403) {
    const linked = /linked account|consolidated billing/i.test(facts.message);
    return new CrossbarError(
      'DENIED',
      `Account ${payer.label} refused ${CE_PERMISSION} to ${payer.via}: ${facts.message || facts.name}`,
      {
        hint: linked
          ? `Cost Explorer answers only in the payer (management) account: run with the source there, or --payer ACCOUNT:ROLE naming a role in the payer account allowed ${CE_PERMISSION}`
          : `Allow ${CE_PERMISSION} to that principal in account ${payer.accountId} (AWS's ReadOnlyAccess and Billing policies do), or pass --payer ACCOUNT:ROLE with a role that has it`,
        cause: err,
      },
    );
  }
  if (facts.name === 'DataUnavailableException') {
    return new CrossbarError('ERROR', `Cost Explorer has no data yet in account ${payer.label}`, {
      hint: 'Cost Explorer needs to be enabled once in the payer account; data appears within 24 hours',
      cause: err,
    });
  }
  if (facts.name === 'ValidationException')
    return new CrossbarError('USAGE', `Cost Explorer refused the question: ${facts.message}`, {
      cause: err,
    });
  if (/Throttl|LimitExceeded/.test(facts.name))
    return new CrossbarError('THROTTLED', `Cost Explorer throttled account ${payer.label}: ${facts.message}`, {
      hint: 'Wait a minute and try again; cached answers (without --refresh) make no call',
      cause: err,
    });
  return new CrossbarError(
    'ERROR',
    `GetCostAndUsage in account ${payer.label} failed: ${facts.name}: ${facts.message}`,
    { cause: err },
  );
}

async function ceClient(options: FetchCostOptions): Promise<CostExplorerClient> {
  const client = await createAwsClient('ce', {
    region: DEFAULT_REGION,
    credentials: options.credentials,
    endpoint: options.endpoint,
    retryMode: 'standard',
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  if (!(client instanceof CostExplorerClient))
    throw new CrossbarError('ERROR', 'The client factory gave no CostExplorerClient for ce');
  return client;
}

export async function fetchCost(query: CostQuery, options: FetchCostOptions): Promise<CostData> {
  const groupBy = ceGroupByFor(query.by);
  const data: CostData = { groupBy, periods: [], groups: [], unit: 'USD', accountNames: {} };
  // A filter on no account is no question: Cost Explorer would refuse an empty Values list.
  if (query.accounts?.length === 0) return data;
  const client = await ceClient(options);
  const periodIndex = new Map<string, number>();
  try {
    let token: string | undefined;
    do {
      const page: GetCostAndUsageCommandOutput = await client.send(
        new GetCostAndUsageCommand({
          TimePeriod: { Start: query.start, End: query.end },
          Granularity: query.granularity === 'daily' ? 'DAILY' : 'MONTHLY',
          Metrics: [query.metric],
          GroupBy: groupBy,
          ...(query.accounts ? { Filter: { Dimensions: { Key: 'LINKED_ACCOUNT', Values: query.accounts } } } : {}),
          ...(token ? { NextPageToken: token } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      mergePage(data, periodIndex, page, query.metric);
      token = page.NextPageToken;
    } while (token);
  } catch (err) {
    throw costFailure(err, options);
  } finally {
    client.destroy();
  }
  return data;
}

/** A period may continue on the next page: its groups join the ones already read. */
function mergePage(
  data: CostData,
  periodIndex: Map<string, number>,
  page: GetCostAndUsageCommandOutput,
  metric: string,
): void {
  for (const result of page.ResultsByTime ?? []) {
    const start = result.TimePeriod?.Start ?? '';
    let index = periodIndex.get(start);
    if (index === undefined) {
      index = data.periods.length;
      periodIndex.set(start, index);
      data.periods.push({ start, end: result.TimePeriod?.End ?? '', estimated: result.Estimated === true });
    }
    for (const group of result.Groups ?? []) {
      const value = group.Metrics?.[metric];
      if (value?.Unit) data.unit = value.Unit;
      const amount = Number(value?.Amount ?? 0);
      if (amount !== 0) data.groups.push({ period: index, keys: group.Keys ?? [], amount });
    }
  }
  for (const attr of page.DimensionValueAttributes ?? []) {
    const description = attr.Attributes?.['description'];
    if (attr.Value && description) data.accountNames[attr.Value] = description;
  }
}
