import type { SyncRunRow } from '../../core/inventory/index.js';
import type { CliContext } from '../context.js';
import { formatAge } from '../render/format.js';
import type { Column } from '../render/output.js';

/**
 * The `sync_runs` side of `crossbar inventory status`: one line on stderr about the latest sync (always), and
 * with `--runs` the recent syncs as the command's rows.
 */
export interface RunRecord extends SyncRunRow {
  ageMs: number;
  durationMs: number | null;
}

export function runRecords(runs: readonly SyncRunRow[], now: number): RunRecord[] {
  return runs.map((r) => ({
    ...r,
    ageMs: now - Date.parse(r.startedAt),
    durationMs: r.finishedAt === null ? null : Date.parse(r.finishedAt) - Date.parse(r.startedAt),
  }));
}

export function runColumns(ctx: CliContext): Column<RunRecord>[] {
  const { green, red, yellow } = ctx.colors;
  const paint = (r: RunRecord): string =>
    r.state === 'finished'
      ? green(r.state)
      : r.state === 'killed' || r.state === 'failed'
        ? red(r.state)
        : yellow(r.state);
  return [
    { key: 'id', header: 'RUN', value: (r) => r.id, align: 'right' },
    { key: 'state', header: 'STATE', value: (r) => r.state, cell: paint },
    { key: 'age', header: 'STARTED', value: (r) => `${formatAge(r.ageMs)} ago`, align: 'right' },
    {
      key: 'duration',
      header: 'TOOK',
      value: (r) => (r.durationMs === null ? null : `${(r.durationMs / 1000).toFixed(1)}s`),
      align: 'right',
    },
    { key: 'accounts', header: 'ACCOUNTS', value: (r) => r.accounts, align: 'right' },
    { key: 'slices', header: 'SLICES', value: (r) => r.slices, align: 'right' },
    { key: 'failed', header: 'FAILED', value: (r) => r.failed, align: 'right' },
    { key: 'resources', header: 'RESOURCES', value: (r) => r.resources, align: 'right' },
    { key: 'pid', header: 'PID', value: (r) => r.pid, align: 'right' },
    { key: 'host', header: 'HOST', value: (r) => r.host },
    { key: 'types', header: 'TYPES', value: (r) => r.types.join(',') },
    { key: 'startedAt', header: 'STARTED AT', value: (r) => r.startedAt },
    { key: 'finishedAt', header: 'FINISHED AT', value: (r) => r.finishedAt },
    { key: 'error', header: 'ERROR', value: (r) => r.error },
  ];
}

export const RUN_TABLE_KEYS = new Set([
  'id',
  'state',
  'age',
  'duration',
  'accounts',
  'slices',
  'failed',
  'pid',
  'host',
]);

/** The latest sync needs attention when it did not finish: its slices may be a mix of old and new. */
export function needsAttention(run: RunRecord | undefined): boolean {
  return run !== undefined && (run.state === 'killed' || run.state === 'failed' || run.state === 'interrupted');
}

/** `last sync: killed 2m ago (pid 4242 on host, started …)`: what became of the latest sync, in one line. */
export function lastRunLine(ctx: CliContext, run: RunRecord | undefined): string | undefined {
  if (run === undefined) return undefined;
  const { dim, red, yellow } = ctx.colors;
  const ago = `${formatAge(run.ageMs)} ago`;
  const who = `pid ${run.pid} on ${run.host}`;
  const done = run.slices === null ? '' : `, ${run.slices} slices (${run.failed ?? 0} failed)`;
  switch (run.state) {
    case 'finished':
      return dim(`last sync: finished, started ${ago}${done}`);
    case 'running':
      return yellow(`a sync is running: started ${ago} (${who}); the slices below are being replaced`);
    case 'unfinished':
      return yellow(`last sync: started ${ago} on ${run.host} and not finished (running there, or killed)`);
    case 'interrupted':
      return yellow(
        `last sync: interrupted, started ${ago}${done}; slices it did not reach keep their older rows: run crossbar inventory sync again`,
      );
    case 'failed':
      return red(
        `last sync: failed, started ${ago}: ${run.error ?? 'unknown error'}; run crossbar inventory sync again`,
      );
    case 'killed':
      return red(
        `last sync: killed, started ${ago} (${who}) and never finished; slices it did not reach keep their older rows: run crossbar inventory sync again`,
      );
  }
}
