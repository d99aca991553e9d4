import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT_OK } from '../exit-codes.js';
import type { CliRuntime } from '../runtime.js';
import { openOutFile } from '../trail/out-file.js';
import { addTrailScopeFlags, trailScope, withTrailSource, type TrailScopeFlags } from '../trail/trail-flags.js';

interface TrailHeadFlags extends TrailScopeFlags {
  out?: string;
}

/**
 * `crossbar trail head [--out FILE]`: each chain's head (last seq and hash) as a JSON document, to keep away from
 * the server and check the trail against later (`crossbar trail verify --head FILE`).
 */
export async function runTrailHead(ctx: CliContext, flags: TrailHeadFlags): Promise<number> {
  const scope = trailScope(flags);
  const document = await withTrailSource(ctx, flags, (source) => source.head(scope));
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (flags.out === undefined) ctx.io.stdout.write(text);
  else {
    const out = await openOutFile(flags.out);
    try {
      await out.write(text);
      await out.commit();
    } catch (err) {
      out.abort();
      throw err;
    }
    ctx.err(
      ctx.colors.dim(
        `wrote ${flags.out}: ${document.heads.length} chain heads. Keep it away from the server; later: crossbar trail verify --head ${flags.out}`,
      ),
    );
  }
  return EXIT_OK;
}

export function defineTrailHead(command: Command, runtime: CliRuntime): void {
  addTrailScopeFlags(command)
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      [
        '',
        'Example:',
        '  crossbar trail head --out heads-$(date +%F).json     # keep it elsewhere: a ticket, a mailbox, a bucket',
        '  crossbar trail verify --head heads-2026-12-01.json  # later: the trail still holds those entries',
      ].join('\n'),
    )
    .action((flags: TrailHeadFlags, cmd: Command) => runtime.run(cmd, (ctx) => runTrailHead(ctx, flags)));
}
