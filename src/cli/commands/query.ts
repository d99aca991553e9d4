import type { Command } from 'commander';
import { resolveCrossbarHome } from '../../core/config-location.js';
import { inventoryPath } from '../../core/inventory/index.js';
import type { QueryResult, SqlCell } from '../../core/query/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { renderOutput } from '../render/renderer.js';
import { EXIT_OK } from '../report-error.js';

/**
 * `crossbar query "SQL" [--db FILE]`: read-only SQL over the inventory, printed as a table on a terminal and
 * JSON when piped (or `--output table|json|csv|ndjson`). Needs no crossbar.yaml: only the database. Writes,
 * unknown tables and SQL errors are usage errors (exit 2) with SQLite's own message.
 */
interface QueryFlags {
  db?: string;
}

/** A table cell on one line and of a readable width: `raw` JSON is for `-o json`. */
const CELL_WIDTH = 60;

function tableCell(value: SqlCell): string {
  if (value === null) return '';
  const line = String(value).replace(/\s+/g, ' ');
  return line.length > CELL_WIDTH ? `${line.slice(0, CELL_WIDTH - 1)}…` : line;
}

export function queryColumns(result: QueryResult): Column<SqlCell[]>[] {
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

export async function runQueryCommand(ctx: CliContext, sql: string, flags: QueryFlags): Promise<number> {
  const { queryInventory } = await import('../../core/query/index.js');
  const path = inventoryPath(resolveCrossbarHome(ctx.io.env, ctx.io.cwd), ctx.io.cwd, flags.db);
  const result = queryInventory(path, sql);
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  ctx.io.stdout.write(renderOutput(format, queryColumns(result), result.rows, { header: ctx.colors.bold }));
  if (format === 'table') ctx.err(ctx.colors.dim(`${result.rows.length} row${result.rows.length === 1 ? '' : 's'}`));
  return EXIT_OK;
}

export function defineQueryCommand(command: Command, runtime: CliRuntime): void {
  command
    .argument('<sql>', 'one SQL statement that reads: SELECT, WITH, EXPLAIN or a read-only PRAGMA')
    .option('--db <file>', 'the inventory database (default: $CROSSBAR_HOME/inventory.db)')
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
      ].join('\n'),
    )
    .action((sql: string, flags: QueryFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runQueryCommand(ctx, sql, flags)),
    );
}
