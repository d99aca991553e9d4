/** Consolidated cost per account, service, region, OU or tag, from Cost Explorer in the payer account. */
export { buildCostReport, NOT_IN_REGISTRY_OU, TOP_MOVERS, type BuildReportOptions } from './build-report.js';
export {
  COST_CACHE_TTL_MS,
  costCacheDir,
  costCachePath,
  formatAge,
  readCostCache,
  writeCostCache,
  type CostCacheKey,
} from './cost-cache.js';
export {
  ceGroupByFor,
  DEFAULT_MONTHS,
  GROUPING_CHOICES,
  groupingLabel,
  MAX_MONTHS,
  parseGranularity,
  parseGroupings,
  parseMetric,
  resolveRange,
  type RangeFlags,
} from './cost-options.js';
export { CE_PERMISSION, costFailure, fetchCost, type CostPayer, type FetchCostOptions } from './fetch-cost.js';
export { loadCost, type CostCrossbar, type LoadCostOptions, type LoadedCost } from './load-cost.js';
export { resolvePayerTarget, type PayerTarget } from './payer.js';
export { renderCostPng, renderCostSvg } from './svg-chart.js';
export * from './types.js';
