import { runLabel, type RunRecord, type RunResultRecord } from '../../core/team/index.js';

/** What the API shows of runs: snake_case JSON, the same shapes in the list, one run, and its event stream. */
export function runView(run: RunRecord): Record<string, unknown> {
  const { request } = run;
  return {
    id: run.id,
    kind: run.kind,
    label: runLabel(request),
    status: run.status,
    started_by: run.username,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    selector: request.selector,
    regions: request.regions ?? null,
    role: request.role ?? null,
    request,
    counts: { ok: run.okCount, failed: run.failedCount, done: run.okCount + run.failedCount, total: run.targetCount },
    summary: run.summary,
  };
}

/** One finished target, as an SSE `target` event and in the run's results (with its value there). */
export function targetView(result: RunResultRecord): Record<string, unknown> {
  return {
    seq: result.seq,
    account_id: result.accountId,
    account: result.accountName,
    region: result.region,
    ok: result.ok,
    code: result.code,
    aws_code: result.awsCode,
    message: result.message,
  };
}

export function resultView(result: RunResultRecord): Record<string, unknown> {
  return { ...targetView(result), value: result.valueJson === null ? null : (JSON.parse(result.valueJson) as unknown) };
}

/** The last event of a stream: how the run ended (or that it still runs elsewhere, for a stream cut short). */
export function summaryView(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    ok: run.okCount,
    failed: run.failedCount,
    total: run.targetCount,
    summary: run.summary,
    finished_at: run.finishedAt,
  };
}
