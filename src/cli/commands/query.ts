import type { Command } from 'commander';
import { resolveCrossbarHome } from '../../core/config-location.js';
import { inventoryPath } from '../../core/inventory/index.js';
import { QUERY_LIMITS, type SqlCell } from '../../core/query/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { renderOutput } from '../render/renderer.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../report-error.js';
import { CrossbarError } from '../../core/errors.js';

/**
 * `crossbar query "SQL" [--db FILE]`: read-only SQL over the inventory, printed as a table on a terminal and
 * JSON when piped (or `--output table|json|csv|ndjson`). Needs no crossbar.yaml: only the database. Writes,
 * unknown tables and SQL errors are usage errors (exit 2) with SQLite's own message.
 */
interface QueryFlags {
  db?: string;
  maxRows?: string;
  timeout?: string;
}

const DEFAULT_MAX_ROWS = QUERY_LIMITS.maxRows;
const DEFAULT_TIMEOUT_SECONDS = QUERY_LIMITS.timeoutSeconds;

/** A table cell on one line and of a readable width: `raw` JSON is for `-o json`. */
const CELL_WIDTH = 60;

function tableCell(value: SqlCell): string {
  if (value === null) return '';
  const line = String(value).replace(/\s+/g, ' ');
  return line.length > CELL_WIDTH ? `${line.slice(0, CELL_WIDTH - 1)}…` : line;
}

export function queryColumns(result: { columns: string[]; rows: SqlCell[][] }): Column<SqlCell[]>[] {
  return result.columns.map((name, i) => {
    const numeric =
      result.rows.some((r) => typeof r[i] === 'number') &&
      result.rows.every((r) => r[i] === null || typeof r[i] === 'number');
    return {
      key: name,
      header: name,
      value: (row) => row[i] ?? null,
      cell: (row) => tableCell(row[i] ?? null),
      ...(numeric ? { align: 'right' as const } : {}),
    };
  });
}

/** A positive whole number of a flag, or a usage error naming the flag. */
function positive(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new CrossbarError('USAGE', `${flag} must be a whole number above 0 (got '${text}')`);
  return n;
}

export async function runQueryCommand(ctx: CliContext, sql: string, flags: QueryFlags): Promise<number> {
  const { streamQuery } = await import('../../core/query/index.js');
  const maxRows = positive('--max-rows', flags.maxRows, DEFAULT_MAX_ROWS);
  const timeoutSeconds = positive('--timeout', flags.timeout, DEFAULT_TIMEOUT_SECONDS);
  const path = inventoryPath(resolveCrossbarHome(ctx.io.env, ctx.io.cwd), ctx.io.cwd, flags.db);
  const result = await streamQuery(path, sql, { maxRows, timeoutMs: timeoutSeconds * 1000, signal: ctx.signal });
  if (result.stopped === 'interrupted') {
    ctx.err(ctx.colors.yellow(`query interrupted after ${result.rows.length} rows; nothing printed`));
    return EXIT_INTERRUPTED;
  }
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  ctx.io.stdout.write(renderOutput(format, queryColumns(result), result.rows, { header: ctx.colors.bold }));
  const count = `${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`;
  if (result.stopped === 'max-rows') {
    ctx.err(
      ctx.colors.yellow(
        `stopped at ${maxRows} rows (--max-rows ${maxRows}): there are more; pass --max-rows N to get up to N, or narrow the query (WHERE, LIMIT)`,
      ),
    );
    return EXIT_OK;
  }
  if (result.stopped === 'timeout') {
    ctx.err(
      ctx.colors.red(
        `stopped after ${timeoutSeconds}s (--timeout ${timeoutSeconds}) with ${count}: pass --timeout SECONDS to allow longer, or narrow the query`,
      ),
    );
    return EXIT_FAILED;
  }
  if (format === 'table') ctx.err(ctx.colors.dim(count));
  return EXIT_OK;
}

export function defineQueryCommand(command: Command, runtime: CliRuntime): void {
  command
    .argument('<sql>', 'one SQL statement that reads: SELECT, WITH, EXPLAIN or a read-only PRAGMA')
    .option('--db <file>', 'the inventory database (default: $CROSSBAR_HOME/inventory.db)')
    .option('--max-rows <n>', `stop after this many rows, saying so (default: ${DEFAULT_MAX_ROWS})`)
    .option('--timeout <seconds>', `stop a query running longer, exit 1 (default: ${DEFAULT_TIMEOUT_SECONDS})`)
    .addHelpText(
      'after',
      [
        '',
        'Tables: one per resource type (ec2_instances, s3_buckets, iam_roles, lambda_functions, …), each with account_id,',
        'account_name, stage, region, arn, name, tags (JSON), raw (the API object, JSON) and synced_at; the view resources',
        '(every type); sync_status (the coverage grid: account × region × type, ok or failed with the error).',
        '',
        'Examples:',
        '  crossbar query "SELECT account_name, region, count(*) AS instances FROM ec2_instances GROUP BY 1, 2"',
        `  crossbar query "SELECT name, json_extract(tags, '$.team') AS team FROM lambda_functions" -o csv`,
        `  crossbar query "SELECT * FROM sync_status WHERE status = 'failed'"`,
        '  crossbar query "PRAGMA table_info(rds_instances)"',
        '',
        'A query stops at --max-rows rows (exit 0, with a line saying so), at --timeout (exit 1) and on Ctrl-C (exit 130),',
        'whatever the SQL does: it runs in a process of its own that is ended at once.',
      ].join('\n'),
    )
    .action((sql: string, flags: QueryFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runQueryCommand(ctx, sql, flags)),
    );
}
