import { DEFAULT_REGION, type Registry } from '../config/registry.js';
import {
  clockOf,
  runFanout,
  type FanoutAccount,
  type FanoutProgress,
  type FanoutRoot,
  type TargetResult,
} from '../fanout/index.js';
import { collectAccount } from './collect-account.js';
import { localDefaultKeyFindings } from './local-credentials.js';
import { evaluateRules, sortFindings } from './rules.js';
import { buildTrustGraph, orgViewOf } from './trust-graph.js';
import type { AcceptedException, CollectedAccount, Finding, NotCovered, OrgView, TrustGraph } from './types.js';

/**
 * `audit` as a library call: one fan-out target per account (IAM is global, read through us-east-1), each
 * collecting the account's IAM; then the trust graph and the rules over everything collected. An account that
 * could not be read is "not covered", with the engine's code and reason, never dropped.
 */
/** What an audit needs of the root: a fan-out's (endpoint, clock, credentials) and the registry it names accounts by. */
export interface AuditRoot extends FanoutRoot {
  readonly registry: Pick<Registry, 'accounts'>;
}

export interface RunAuditOptions {
  accounts: readonly FanoutAccount[];
  concurrency?: number | undefined;
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: FanoutProgress) => void) | undefined;
  /** The shared credentials file to check for `[default]` keys; absent: not checked. */
  localCredentialsFile?: string | undefined;
}

export interface AuditReport {
  /** Accounts asked for. */
  accounts: number;
  collected: CollectedAccount[];
  graph: TrustGraph;
  org: OrgView;
  findings: Finding[];
  exceptions: AcceptedException[];
  notCovered: NotCovered[];
  elapsedMs: number;
  interrupted: boolean;
}

/** IAM is global: its calls go to AWS's default region. */
export const IAM_REGION = DEFAULT_REGION;

export async function collectAccounts(
  root: AuditRoot,
  options: RunAuditOptions,
): Promise<{ collected: CollectedAccount[]; notCovered: NotCovered[]; interrupted: boolean }> {
  const now = clockOf(root);
  const collected: CollectedAccount[] = [];
  const notCovered: NotCovered[] = [];
  let interrupted = false;
  const onResult = (result: TargetResult<CollectedAccount>): void => {
    if (result.ok) {
      collected.push(result.value);
      return;
    }
    const { account } = result.target;
    if (result.error.code === 'INTERRUPTED') interrupted = true;
    notCovered.push({
      accountId: account.id,
      accountName: account.name,
      code: result.error.code,
      reason: result.error.reason ?? result.error.awsCode ?? result.error.code,
      message: result.error.message,
    });
  };
  const run = runFanout<CollectedAccount>(root, {
    accounts: options.accounts,
    regions: [IAM_REGION],
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    signal: options.signal,
    onProgress: options.onProgress,
    buffer: false,
    onResult,
    work: (target, ctx) =>
      collectAccount((service, operation, input) => ctx.call(service, operation, input ?? {}), {
        accountId: target.account.id,
        name: target.account.name,
        now: now(),
      }),
  });
  await run.done;
  const order = new Map(options.accounts.map((a, i) => [a.account.id, i]));
  const byOrder = (a: { accountId: string }, b: { accountId: string }) =>
    (order.get(a.accountId) ?? 0) - (order.get(b.accountId) ?? 0);
  return { collected: collected.sort(byOrder), notCovered: notCovered.sort(byOrder), interrupted };
}

export async function runAudit(root: AuditRoot, options: RunAuditOptions): Promise<AuditReport> {
  const now = clockOf(root);
  const started = now();
  const { collected, notCovered, interrupted } = await collectAccounts(root, options);
  const org = orgViewOf(collected);
  const graph = buildTrustGraph(collected, root.registry, org);
  const { findings, exceptions } = evaluateRules({ collected, graph, org });
  if (options.localCredentialsFile !== undefined)
    findings.push(...(await localDefaultKeyFindings({ path: options.localCredentialsFile })));
  return {
    accounts: options.accounts.length,
    collected,
    graph,
    org,
    findings: sortFindings(findings),
    exceptions,
    notCovered,
    elapsedMs: now() - started,
    interrupted,
  };
}
