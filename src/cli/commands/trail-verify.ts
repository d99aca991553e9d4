import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import { verifyTrailExport, type TrailVerification } from '../../core/team/index.js';
import type { CliContext } from '../context.js';
import { EXIT_FAILED, EXIT_OK } from '../exit-codes.js';
import { resolveOutputFormat } from '../render/output.js';
import { render } from '../render/renderer.js';
import type { CliRuntime } from '../runtime.js';
import { fileLines, loadAnchors } from '../trail/read-lines.js';
import { addTrailScopeFlags, trailScope, withTrailSource, type TrailScopeFlags } from '../trail/trail-flags.js';
import type { AnchorSet } from '../trail/trail-source.js';
import { brokenLine, CHAIN_TABLE_HIDDEN, chainColumns } from '../trail/trail-views.js';

interface TrailVerifyFlags extends TrailScopeFlags {
  head?: string;
  file?: string;
}

/**
 * `crossbar trail verify`: every chain in scope verified (by the server, or here for --db and --file), one row
 * per chain; exit 1 with a line naming the first broken entry (chain, seq, what changed), 0 when all verify.
 */
export async function runTrailVerify(ctx: CliContext, flags: TrailVerifyFlags): Promise<number> {
  const scope = trailScope(flags);
  const anchors = flags.head === undefined ? undefined : await loadAnchors(flags.head);
  let result: TrailVerification;
  if (flags.file !== undefined) {
    if (flags.db !== undefined || scope.workspace !== undefined || scope.serverChain)
      throw new CrossbarError(
        'USAGE',
        '--file verifies the export it names, whole: no --db, --workspace or --server-chain',
        {
          hint: 'crossbar trail verify --file trail.jsonl [--head heads.json]',
        },
      );
    result = await verifyTrailExport(fileLines(flags.file), {
      source: flags.file,
      anchors: anchors?.heads,
      anchorSource: anchors?.source,
    });
  } else result = await withTrailSource(ctx, flags, (source) => source.verify(scope, anchors));
  report(ctx, result, anchors);
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

function report(ctx: CliContext, result: TrailVerification, anchors: AnchorSet | undefined): void {
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const columns = chainColumns(ctx).filter((c) => format !== 'table' || !CHAIN_TABLE_HIDDEN.has(c.key));
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    { columns, record: (c) => c, document: () => result, tableOptions: { header: ctx.colors.bold } },
    result.chains,
  );
  const broken = brokenLine(result);
  if (broken) ctx.err(ctx.colors.red(broken));
  else {
    const against = anchors ? `, and against the heads in ${anchors.source}` : '';
    ctx.err(
      ctx.colors.green(
        `✓ trail verified: ${result.chains.length} chain${result.chains.length === 1 ? '' : 's'}, ${result.checked} entries${against}`,
      ),
    );
  }
}

export function defineTrailVerify(command: Command, runtime: CliRuntime): void {
  addTrailScopeFlags(command)
    .option('--head <file>', 'also check against heads exported earlier (crossbar trail head --out, or a jsonl export)')
    .option('--file <export.jsonl>', 'verify a jsonl export offline: no server, no database')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar trail verify',
        '  crossbar trail verify --db /backup/team.db --head heads-2026-12-01.json',
        '  crossbar trail verify --file trail.jsonl',
        '',
        "Each entry's hash is recomputed from its content and the previous entry's hash, the sequence checked for",
        "gaps, and each chain's last entry compared with its recorded head. The database alone cannot catch a chain",
        'rewritten with recomputed hashes or cut short with its head reset: keep `crossbar trail head --out FILE`',
        'somewhere else and pass it as --head. Exit 1 names the first broken entry: chain, seq and what changed.',
      ].join('\n'),
    )
    .action((flags: TrailVerifyFlags, cmd: Command) => runtime.run(cmd, (ctx) => runTrailVerify(ctx, flags)));
}
