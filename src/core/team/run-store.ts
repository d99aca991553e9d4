import type { TeamStore } from './open-team-db.js';
import { RunRequestSchema, type RunRequest } from './run-request.js';
import type { RunResultsTable, RunsTable } from './team-schema.js';

/**
 * The runs started through the server and their results, one row per finished target (issue 10 item 5). A run
 * is written as it goes: its row first (`running`), then each target's result with the counts moving in the same
 * transaction, then its end. A reader (the list, one run, the event stream) sees a consistent run at any moment:
 * a result is there before the counts say so, and every result is there before the run says it ended.
 */
export type RunStatus = RunsTable['status'];

export interface RunRecord {
  id: string;
  workspaceId: string;
  userId: string;
  /** The member who started it (joined from users; `?` if the user was deleted). */
  username: string;
  kind: RunsTable['kind'];
  request: RunRequest;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  okCount: number;
  failedCount: number;
  targetCount: number | null;
  summary: string | null;
}

export interface RunResultRecord {
  seq: number;
  accountId: string;
  accountName: string;
  region: string;
  ok: boolean;
  code: string | null;
  /** AWS's own error code, when AWS answered. */
  awsCode: string | null;
  message: string | null;
  /** The target's value as stored (JSON text, possibly a truncation marker); null for a failure without one. */
  valueJson: string | null;
}

export interface NewRun {
  id: string;
  workspaceId: string;
  userId: string;
  request: RunRequest;
  startedAt: string;
  runner: string;
  targetCount: number | null;
}

export async function insertRun(store: TeamStore, run: NewRun): Promise<void> {
  await store.db
    .insertInto('runs')
    .values({
      id: run.id,
      workspace_id: run.workspaceId,
      user_id: run.userId,
      kind: run.request.kind,
      request_json: JSON.stringify(run.request),
      status: 'running',
      started_at: run.startedAt,
      finished_at: null,
      ok_count: 0,
      failed_count: 0,
      summary: null,
      runner: run.runner,
      heartbeat_at: run.startedAt,
      target_count: run.targetCount,
    })
    .execute();
}

export type NewRunResult = Omit<RunResultRecord, 'seq'>;

/** One finished target: its row and the run's counts (and heartbeat) in one transaction. */
export async function appendRunResult(
  store: TeamStore,
  runId: string,
  seq: number,
  result: NewRunResult,
  at: string,
): Promise<void> {
  const row: RunResultsTable = {
    run_id: runId,
    seq,
    account_id: result.accountId,
    account_name: result.accountName,
    region: result.region,
    ok: result.ok ? 1 : 0,
    code: result.code,
    message: result.message,
    value_json: result.valueJson,
    aws_code: result.awsCode,
  };
  await store.db.transaction().execute(async (trx) => {
    await trx.insertInto('run_results').values(row).execute();
    await trx
      .updateTable('runs')
      .set((eb) =>
        result.ok
          ? { ok_count: eb('ok_count', '+', 1), heartbeat_at: at }
          : { failed_count: eb('failed_count', '+', 1), heartbeat_at: at },
      )
      .where('id', '=', runId)
      .execute();
  });
}

/** The run is alive: for a long target with no result yet, so that no other server takes it for abandoned. */
export async function touchRun(store: TeamStore, runId: string, at: string): Promise<void> {
  await store.db
    .updateTable('runs')
    .set({ heartbeat_at: at })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .execute();
}

/** Targets discovered late (`regions: all`): the total once it is known. */
export async function setRunTargetCount(store: TeamStore, runId: string, count: number): Promise<void> {
  await store.db.updateTable('runs').set({ target_count: count }).where('id', '=', runId).execute();
}

/** Ends a running run; a run that already ended (interrupted by another server meanwhile) is left as it is. */
export async function endRun(
  store: TeamStore,
  runId: string,
  end: { status: Exclude<RunStatus, 'running'>; finishedAt: string; summary: string },
): Promise<boolean> {
  const updated = await store.db
    .updateTable('runs')
    .set({ status: end.status, finished_at: end.finishedAt, summary: end.summary, heartbeat_at: end.finishedAt })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

export interface AbandonedRun {
  id: string;
  workspaceId: string;
  workspaceName: string;
  summary: string;
}

/**
 * Marks `running` runs that nobody runs any more as interrupted, at a server's start: those this runner left
 * (it stopped mid-run), and any whose heartbeat is older than `staleBefore` (a server elsewhere that died).
 * Returns the runs it ended (a run another server ended meanwhile is not among them).
 */
export async function interruptAbandonedRuns(
  store: TeamStore,
  options: { runner: string; staleBefore: string; at: string },
): Promise<AbandonedRun[]> {
  const rows = await store.db
    .selectFrom('runs')
    .innerJoin('workspaces', 'workspaces.id', 'runs.workspace_id')
    .select(['runs.id as id', 'runs.workspace_id as workspace_id', 'workspaces.name as workspace_name'])
    .where('runs.status', '=', 'running')
    .where((eb) =>
      eb.or([
        eb('runs.runner', '=', options.runner),
        eb('runs.heartbeat_at', '<', options.staleBefore),
        eb('runs.runner', 'is', null),
      ]),
    )
    .execute();
  const summary = 'interrupted: the server stopped while it ran';
  const ended: AbandonedRun[] = [];
  for (const row of rows)
    if (await endRun(store, row.id, { status: 'interrupted', finishedAt: options.at, summary }))
      ended.push({ id: row.id, workspaceId: row.workspace_id, workspaceName: row.workspace_name, summary });
  return ended;
}

type RunRow = RunsTable & { username: string | null };

function toRecord(row: RunRow): RunRecord {
  const request = RunRequestSchema.parse(JSON.parse(row.request_json));
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    userId: row.user_id,
    username: row.username ?? '?',
    kind: row.kind,
    request,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    okCount: Number(row.ok_count),
    failedCount: Number(row.failed_count),
    targetCount: row.target_count === null ? null : Number(row.target_count),
    summary: row.summary,
  };
}

function runsQuery(store: TeamStore) {
  return store.db
    .selectFrom('runs')
    .leftJoin('users', 'users.id', 'runs.user_id')
    .selectAll('runs')
    .select('users.username as username');
}

/** One run of a workspace; another workspace's run is not found, as if it did not exist. */
export async function findRun(store: TeamStore, workspaceId: string, runId: string): Promise<RunRecord | undefined> {
  const row = await runsQuery(store)
    .where('runs.id', '=', runId)
    .where('runs.workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Where the next page starts: the last row's start time and id (ties on the time are broken by id). */
export interface RunCursor {
  startedAt: string;
  id: string;
}

/** A workspace's runs, newest first, `limit` at a time; `before` continues after the last row of a page. */
export async function listRuns(
  store: TeamStore,
  workspaceId: string,
  options: { limit: number; before?: RunCursor | undefined },
): Promise<{ runs: RunRecord[]; next: RunCursor | undefined }> {
  let query = runsQuery(store).where('runs.workspace_id', '=', workspaceId);
  const before = options.before;
  if (before)
    query = query.where((eb) =>
      eb.or([
        eb('runs.started_at', '<', before.startedAt),
        eb.and([eb('runs.started_at', '=', before.startedAt), eb('runs.id', '<', before.id)]),
      ]),
    );
  const rows = await query
    .orderBy('runs.started_at', 'desc')
    .orderBy('runs.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const runs = rows.slice(0, options.limit).map(toRecord);
  const last = runs[runs.length - 1];
  return {
    runs,
    next: rows.length > options.limit && last ? { startedAt: last.startedAt, id: last.id } : undefined,
  };
}

/** A run's results in the order they finished, after `after` (a seq), at most `limit`. */
export async function readRunResults(
  store: TeamStore,
  runId: string,
  options: { after?: number; limit: number },
): Promise<RunResultRecord[]> {
  const rows = await store.db
    .selectFrom('run_results')
    .selectAll()
    .where('run_id', '=', runId)
    .where('seq', '>', options.after ?? 0)
    .orderBy('seq', 'asc')
    .limit(options.limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    accountId: r.account_id,
    accountName: r.account_name,
    region: r.region,
    ok: Number(r.ok) === 1,
    code: r.code,
    awsCode: r.aws_code,
    message: r.message,
    valueJson: r.value_json,
  }));
}

/** The ok and failed results of a run up to `upTo` (a seq): where an event stream resumed mid-run starts counting. */
export async function countRunResults(
  store: TeamStore,
  runId: string,
  upTo: number,
): Promise<{ ok: number; failed: number }> {
  const rows = await store.db
    .selectFrom('run_results')
    .select(['ok', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('run_id', '=', runId)
    .where('seq', '<=', upTo)
    .groupBy('ok')
    .execute();
  const count = (ok: number): number => Number(rows.find((r) => Number(r.ok) === ok)?.n ?? 0);
  return { ok: count(1), failed: count(0) };
}
