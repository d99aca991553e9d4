import {
  clockOf,
  type FanoutAccount,
  type FanoutProgress,
  type TargetError,
  type TargetResult,
} from '../../fanout/index.js';
import { collectAccounts, type AuditRoot } from '../run-audit.js';
import { buildTrustGraph, orgViewOf } from '../trust-graph.js';
import type { TrustEdge } from '../types.js';
import { buildAssumptions, type Assumption } from './assumptions.js';
import { collectTrail, type TargetTrail } from './collect-trail.js';
import { createTrailDirectory } from './directory.js';
import { joinTrustGraph, type TrailJoin } from './join-trust.js';
import type { TrailWindow } from './since.js';
import type { SourceContext } from './source-context.js';

/**
 * `audit trail` as a library call: the trail of every selected account × region and the IAM of every selected
 * account, read side by side through the fan-out engine, then the assumptions named, joined with the trust
 * graph. Whatever could not be read (a region's trail, an account's IAM) is listed as not covered with its
 * reason, never skipped.
 */
export interface RunTrailOptions {
  accounts: readonly FanoutAccount[];
  window: TrailWindow;
  regions?: readonly string[] | undefined;
  /** The source's own account and what it could read of the organization and its IAM. */
  sourceAccountId?: string | undefined;
  sourceContext?: SourceContext | undefined;
  concurrency?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: ((progress: FanoutProgress) => void) | undefined;
}

export interface TrailGap {
  accountId: string;
  accountName: string;
  /** `*` for the account's IAM (needed for the trust graph), else the region whose trail was not read. */
  region: string;
  what: 'trail' | 'iam';
  code: string;
  reason: string;
  message: string;
}

export interface TrailReport {
  window: TrailWindow;
  assumptions: Assumption[];
  join: TrailJoin;
  edges: TrustEdge[];
  targets: TargetResult<TargetTrail>[];
  notCovered: TrailGap[];
  /** Context that could not be read (organization names, principal ids): names are then less complete. */
  contextGaps: string[];
  interrupted: boolean;
  elapsedMs: number;
}

function gapOf(result: Extract<TargetResult<TargetTrail>, { ok: false }>): TrailGap {
  const e: TargetError = result.error;
  return {
    accountId: result.target.account.id,
    accountName: result.target.account.name,
    region: result.target.region,
    what: 'trail',
    code: e.code,
    reason: e.reason ?? e.awsCode ?? e.code,
    message: e.message,
  };
}

export async function runTrail(root: AuditRoot, options: RunTrailOptions): Promise<TrailReport> {
  const now = clockOf(root);
  const started = now();
  let done = 0;
  let total = 0;
  const progress = new Map<string, FanoutProgress>();
  // Two runs side by side report as one.
  const report = (key: string) => (p: FanoutProgress) => {
    progress.set(key, p);
    const all = [...progress.values()];
    total = all.reduce((n, x) => n + x.total, 0);
    done = all.reduce((n, x) => n + x.done, 0);
    options.onProgress?.({
      ...p,
      total,
      done,
      ok: all.reduce((n, x) => n + x.ok, 0),
      failed: all.reduce((n, x) => n + x.failed, 0),
      inFlight: all.reduce((n, x) => n + x.inFlight, 0),
    });
  };
  const common = {
    accounts: options.accounts,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  };
  const [targets, iam] = await Promise.all([
    collectTrail(root, { ...common, regions: options.regions, window: options.window, onProgress: report('trail') }),
    collectAccounts(root, { ...common, onProgress: report('iam') }),
  ]);
  const org = orgViewOf(iam.collected);
  const graph = buildTrustGraph(iam.collected, root.registry, org);
  // Members that said so (DescribeOrganization) are in the organization even when their names are not known.
  const listed = options.sourceContext?.organization ?? [];
  const organization = [
    ...listed,
    ...[...org.accountIds].filter((id) => !listed.some((a) => a.id === id)).map((id) => ({ id })),
  ];
  const directory = createTrailDirectory({
    registry: root.registry.accounts,
    sourceAccountId: options.sourceAccountId,
    organization,
    principalIds: options.sourceContext?.principalIds,
  });
  const records = targets.flatMap((t) => (t.ok ? t.value.records : []));
  const assumptions = buildAssumptions(records, directory);
  const failedTrail = new Set(targets.filter((t) => !t.ok).map((t) => t.target.account.id));
  const readIam = new Set(iam.collected.map((c) => c.accountId));
  const fullyRead = new Set(
    options.accounts.map((a) => a.account.id).filter((id) => !failedTrail.has(id) && readIam.has(id)),
  );
  const join = joinTrustGraph(assumptions, graph.edges, { fullyRead });
  const notCovered: TrailGap[] = [
    ...targets.flatMap((t) => (t.ok ? [] : [gapOf(t)])),
    ...iam.notCovered.map((n): TrailGap => ({ ...n, region: '*', what: 'iam' })),
  ];
  const interrupted = iam.interrupted || targets.some((t) => !t.ok && t.error.code === 'INTERRUPTED');
  return {
    window: options.window,
    assumptions,
    join,
    edges: graph.edges,
    targets,
    notCovered,
    contextGaps: options.sourceContext?.gaps ?? [],
    interrupted,
    elapsedMs: now() - started,
  };
}
