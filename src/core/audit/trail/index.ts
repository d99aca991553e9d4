/** `audit trail`: CloudTrail's AssumeRole and ConsoleLogin evidence, joined with the trust graph. */
export { buildAssumptions, type Assumption, type AssumptionPrincipal } from './assumptions.js';
export { collectTrail, readTargetTrail, type CollectTrailOptions, type TargetTrail } from './collect-trail.js';
export { createTrailDirectory, type KnownAccount, type TrailDirectory, type TrailDirectoryInput } from './directory.js';
export { edgesFor, joinTrustGraph, type JoinOptions, type TrailJoin, type TrustUsage } from './join-trust.js';
export { parseTrailEvent, roleOfSessionArn, type LookedUpEvent } from './parse-event.js';
export { runTrail, type RunTrailOptions, type TrailGap, type TrailReport } from './run-trail.js';
export { parseSince, TRAIL_HISTORY_DAYS, type TrailWindow } from './since.js';
export { loadSourceContext, type SourceContext, type SourceContextOptions } from './source-context.js';
export {
  TRAIL_EVENT_NAMES,
  type PrincipalKnowledge,
  type TrailCaller,
  type TrailEventName,
  type TrailRecord,
} from './types.js';
