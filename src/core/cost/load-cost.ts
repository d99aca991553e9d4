import type { Credentials } from '../credentials/credentials.js';
import type { Crossbar } from '../crossbar.js';
import { buildCostReport } from './build-report.js';
import { readCostCache, writeCostCache, type CostCacheKey } from './cost-cache.js';
import { fetchCost, type CostPayer } from './fetch-cost.js';
import { resolvePayerTarget } from './payer.js';
import type { CostQuery, CostReport } from './types.js';

/**
 * `crossbar cost` as a library call: the payer's credentials (the source, or --payer's role), the day's cache,
 * one Cost Explorer question on a miss, and the report built with the registry.
 */
export interface LoadCostOptions {
  query: CostQuery;
  /** `--payer ACCOUNT[:ROLE]`; without it the source asks. */
  payer?: string | undefined;
  refresh?: boolean;
  signal?: AbortSignal;
  maxAttempts?: number;
  top?: number;
}

export type CostCrossbar = Pick<
  Crossbar,
  'registry' | 'resolveTarget' | 'credentials' | 'callerIdentity' | 'home' | 'endpoint' | 'now' | 'source'
>;

export interface LoadedCost {
  report: CostReport;
  /** Set when the answer came from the cache. */
  cachedAgeMs?: number;
  cachePath?: string;
}

async function payerSession(
  crossbar: CostCrossbar,
  options: LoadCostOptions,
): Promise<{ credentials: Credentials; payer: CostPayer }> {
  if (options.payer === undefined) {
    const credentials = await crossbar.source.provider();
    const caller = await crossbar.callerIdentity(credentials);
    const known = crossbar.registry.accounts.find((a) => a.id === caller.accountId);
    return {
      credentials,
      payer: {
        accountId: caller.accountId,
        label: known ? `${known.name} (${caller.accountId})` : caller.accountId,
        via: `the source ${caller.arn}`,
      },
    };
  }
  const target = resolvePayerTarget(crossbar, options.payer);
  const credentials = await crossbar.credentials(target);
  const { id, name } = target.account;
  return {
    credentials,
    payer: { accountId: id, label: name === id ? id : `${name} (${id})`, via: `role ${target.role.arn}` },
  };
}

export async function loadCost(crossbar: CostCrossbar, options: LoadCostOptions): Promise<LoadedCost> {
  const now = crossbar.now();
  const key: CostCacheKey = {
    query: options.query,
    payer:
      // The source's label (`profile alice`) is in the key: two identities never share an answer.
      options.payer === undefined
        ? `source:${crossbar.source.label}`
        : `payer:${options.payer}:${crossbar.source.label}`,
    endpoint: crossbar.endpoint,
  };
  const build = (data: Parameters<typeof buildCostReport>[1]) =>
    buildCostReport(options.query, data, {
      accounts: crossbar.registry.accounts,
      now,
      ...(options.top ? { top: options.top } : {}),
    });
  if (options.refresh !== true) {
    const hit = readCostCache(crossbar.home, key, now);
    if (hit) return { report: { ...build(hit.data), cachedAgeMs: hit.ageMs }, cachedAgeMs: hit.ageMs };
  }
  const { credentials, payer } = await payerSession(crossbar, options);
  const data = await fetchCost(options.query, {
    credentials,
    endpoint: crossbar.endpoint,
    payer,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  const cachePath = writeCostCache(crossbar.home, key, data, now);
  return { report: build(data), cachePath };
}
