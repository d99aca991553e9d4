import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import { parseTrailSince, TRAIL_LIST_MAX } from '../../core/team/index.js';
import type { CliContext } from '../context.js';
import { resolveOutputFormat } from '../render/output.js';
import { render } from '../render/renderer.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliRuntime } from '../runtime.js';
import { addTrailScopeFlags, trailScope, withTrailSource, type TrailScopeFlags } from '../trail/trail-flags.js';
import { ENTRY_TABLE_HIDDEN, entryColumns } from '../trail/trail-views.js';

interface TrailListFlags extends TrailScopeFlags {
  since?: string;
  who?: string;
  action?: string;
  limit: string;
  before?: string;
}

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!/^\d+$/.test(text) || limit < 1 || limit > TRAIL_LIST_MAX)
    throw new CrossbarError('USAGE', `--limit takes a number from 1 to ${TRAIL_LIST_MAX} (got '${text}')`, {
      hint: 'page further back with --before, as the list says',
    });
  return limit;
}

/** `crossbar trail list`: the newest entries first, from the server or a database, filtered. */
export async function runTrailList(ctx: CliContext, flags: TrailListFlags): Promise<number> {
  const scope = trailScope(flags);
  const limit = parseLimit(flags.limit);
  const since = flags.since === undefined ? undefined : parseTrailSince(flags.since, Date.now());
  return withTrailSource(ctx, flags, async (source) => {
    const page = await source.list(scope, { since, who: flags.who, action: flags.action, limit, before: flags.before });
    const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
    const columns = entryColumns(ctx).filter((c) => format !== 'table' || !ENTRY_TABLE_HIDDEN.has(c.key));
    render(
      format,
      { stdout: ctx.io.stdout, err: ctx.err },
      { columns, record: (e) => e, tableOptions: { header: ctx.colors.bold } },
      page.entries,
    );
    if (page.entries.length === 0) ctx.err(ctx.colors.dim(`no trail entries in ${source.where} match`));
    if (page.next) ctx.err(ctx.colors.dim(`older entries: add --before ${page.next}`));
    return EXIT_OK;
  });
}

export function defineTrailList(command: Command, runtime: CliRuntime): void {
  addTrailScopeFlags(command)
    .option('--since <when>', 'entries since: 7d, 24h, 30m or an ISO date')
    .option('--who <user>', 'entries by this member')
    .option('--action <action>', 'entries of this action (auth.sign_in), or a prefix ending in * (member.*)')
    .option('--limit <n>', `at most this many (1-${TRAIL_LIST_MAX})`, '100')
    .option('--before <cursor>', 'the page before this cursor (a list prints it when there are older entries)')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar trail list --workspace platform --since 7d',
        '  crossbar trail list --server-chain --action auth.* --who bob',
        '  crossbar trail list --db /backup/team.db --since 2026-01-01 -o csv > trail.csv',
        '',
        "The trail of the team server you signed in to (crossbar login): a workspace's admins and owners read its",
        "chain, server owners the server's. With --db, a database read directly (read-only).",
      ].join('\n'),
    )
    .action((flags: TrailListFlags, cmd: Command) => runtime.run(cmd, (ctx) => runTrailList(ctx, flags)));
}
