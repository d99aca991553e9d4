import type { Command } from 'commander';
import { Option } from 'commander';
import { parseTrailSince, TRAIL_EXPORT_FORMATS, type TrailExportFormat } from '../../core/team/index.js';
import type { CliContext } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliRuntime } from '../runtime.js';
import { openOutFile } from '../trail/out-file.js';
import { addTrailScopeFlags, trailScope, withTrailSource, type TrailScopeFlags } from '../trail/trail-flags.js';

interface TrailExportFlags extends TrailScopeFlags {
  format: TrailExportFormat;
  out?: string;
  since?: string;
}

/**
 * `crossbar trail export --format jsonl|csv [--out FILE]`: the chains in seq order, then each chain's head. To
 * stdout, or to FILE (0600, written whole or not at all).
 */
export async function runTrailExport(ctx: CliContext, flags: TrailExportFlags): Promise<number> {
  const scope = trailScope(flags);
  const since = flags.since === undefined ? undefined : parseTrailSince(flags.since, Date.now());
  const out = flags.out === undefined ? undefined : await openOutFile(flags.out);
  let bytes = 0;
  const write = async (chunk: string): Promise<void> => {
    bytes += Buffer.byteLength(chunk);
    if (out) await out.write(chunk);
    else ctx.io.stdout.write(chunk);
  };
  try {
    await withTrailSource(ctx, flags, (source) => source.export(scope, { format: flags.format, since }, write));
    await out?.commit();
  } catch (err) {
    out?.abort();
    throw err;
  }
  if (flags.out !== undefined)
    ctx.err(
      ctx.colors.dim(
        `wrote ${flags.out} (${bytes} bytes, ${flags.format})${flags.format === 'jsonl' ? `: crossbar trail verify --file ${flags.out}` : ''}`,
      ),
    );
  return EXIT_OK;
}

export function defineTrailExport(command: Command, runtime: CliRuntime): void {
  addTrailScopeFlags(command)
    .addOption(
      new Option('--format <format>', 'jsonl (verifiable offline) or csv')
        .choices(TRAIL_EXPORT_FORMATS)
        .default('jsonl'),
    )
    .option('--out <file>', 'write to this file (0600) instead of stdout')
    .option('--since <when>', 'each chain from its first entry since: 7d, 24h, 30m or an ISO date')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar trail export --format jsonl --out trail.jsonl && crossbar trail verify --file trail.jsonl',
        '  crossbar trail export --workspace production --format csv --since 30d > production.csv',
        '  crossbar trail export --db /backup/team.db --out trail.jsonl',
        '',
        'jsonl: a header line, one entry per line (chain after chain, in order), then one line per chain with its',
        'head (seq and hash). csv: the same as RFC 4180 rows, details as JSON. The export is in the trail itself.',
      ].join('\n'),
    )
    .action((flags: TrailExportFlags, cmd: Command) => runtime.run(cmd, (ctx) => runTrailExport(ctx, flags)));
}
