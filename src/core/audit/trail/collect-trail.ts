import {
  runFanout,
  type FanoutAccount,
  type FanoutProgress,
  type FanoutRoot,
  type TargetResult,
  type WorkContext,
} from '../../fanout/index.js';
import { parseTrailEvent, type LookedUpEvent } from './parse-event.js';
import type { TrailWindow } from './since.js';
import { TRAIL_EVENT_NAMES, type TrailRecord } from './types.js';

/**
 * Reads CloudTrail's event history for AssumeRole and ConsoleLogin in every selected account × region, through
 * the fan-out engine: one target per account × region (AssumeRole is recorded in the region of the STS endpoint
 * that served it, so every configured region is read), results streamed, one result per target for coverage.
 * LookupEvents allows one lookup attribute per call, hence one paginated lookup per event name.
 */
export interface TargetTrail {
  records: TrailRecord[];
  /** LookupEvents lookups made (each one paginated to the end). */
  lookups: number;
}

export interface CollectTrailOptions {
  accounts: readonly FanoutAccount[];
  /** Region names; absent: each account's configured regions. */
  regions?: readonly string[] | 'all' | undefined;
  window: TrailWindow;
  concurrency?: number | undefined;
  perAccount?: number | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  maxAttempts?: number | undefined;
  onResult?: ((result: TargetResult<TargetTrail>) => void) | undefined;
  onProgress?: ((progress: FanoutProgress) => void) | undefined;
}

function isLookedUpEvent(value: unknown): value is LookedUpEvent {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One account × region: both lookups, every page, parsed. */
export async function readTargetTrail(
  ctx: Pick<WorkContext, 'call'>,
  where: { accountId: string; region: string },
  window: TrailWindow,
): Promise<TargetTrail> {
  const records: TrailRecord[] = [];
  for (const eventName of TRAIL_EVENT_NAMES) {
    // No EndTime: the history up to the moment it is read, as CloudTrail's own default.
    const out = await ctx.call('cloudtrail', 'LookupEvents', {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }],
      StartTime: new Date(window.startMs),
    });
    const events = Array.isArray(out['Events']) ? out['Events'] : [];
    for (const event of events) {
      const record = isLookedUpEvent(event) ? parseTrailEvent(event, where) : undefined;
      if (record) records.push(record);
    }
  }
  return { records, lookups: TRAIL_EVENT_NAMES.length };
}

export async function collectTrail(
  root: FanoutRoot,
  options: CollectTrailOptions,
): Promise<TargetResult<TargetTrail>[]> {
  const results: TargetResult<TargetTrail>[] = [];
  const run = runFanout<TargetTrail>(root, {
    accounts: options.accounts,
    regions: options.regions,
    work: (target, ctx) =>
      readTargetTrail(ctx, { accountId: target.account.id, region: target.region }, options.window),
    // Only the results this function returns are kept: the async iterator's buffer would be a second copy.
    buffer: false,
    onResult: (result) => {
      results.push(result);
      options.onResult?.(result);
    },
    onProgress: options.onProgress,
    concurrency: options.concurrency,
    perAccount: options.perAccount,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    signal: options.signal,
  });
  await run.done;
  return results;
}
