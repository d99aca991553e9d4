/** The fan-out engine: one result per target (account × region), streamed, bounded, never throwing halfway. */
export {
  clockOf,
  runFanout,
  collectFanout,
  FANOUT_DEFAULTS,
  type FanoutRoot,
  type FanoutRun,
  type RunFanoutOptions,
  type WorkContext,
} from './run-fanout.js';
export { classifyError } from './classify-error.js';
export {
  coverageGrid,
  formatSummary,
  summarize,
  type CoverageGrid,
  type FanoutSummary,
  type GridCell,
  type GridRow,
} from './summary.js';
export {
  DEFAULT_ENABLED_REGIONS,
  enabledRegions,
  invalidRegionMessage,
  looksLikeRegion,
  isKnownRegion,
  isOptInRegion,
  KNOWN_REGIONS,
  OPT_IN_REGIONS,
  parseRegionList,
  type OptInStatus,
  type RegionStatuses,
} from './regions.js';
export { describeRegions } from './describe-regions.js';
export { KeyedLimiter } from './keyed-limiter.js';
export {
  ALL_REGIONS,
  FAILURE_CODES,
  TargetFailure,
  type FailureCode,
  type FanoutAccount,
  type FanoutProgress,
  type FanoutTarget,
  type TargetError,
  type TargetResult,
} from './types.js';
