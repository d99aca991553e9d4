import { resolve } from 'node:path';
import type { Command } from 'commander';
import { renderSwitchRoleMenu } from '../../core/browser-config/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { writeFileAtomic } from '../write-files.js';
import { openCrossbarFor } from '../open-crossbar.js';

/**
 * `crossbar browser-config`: the switch-role menu, coloured by stage, in the format of the
 * aws-extend-switch-roles browser extension. Seed 002's bear trap, "the switch role settings exist in your
 * browser cache", becomes one paste per browser, regenerated from crossbar.yaml.
 */
export interface BrowserConfigFlags {
  out?: string;
  sourceAccount?: string;
}

export async function runBrowserConfig(ctx: CliContext, command: Command, flags: BrowserConfigFlags): Promise<number> {
  const { crossbar } = await openCrossbarFor(ctx, command);
  const menu = renderSwitchRoleMenu(
    crossbar.registry,
    flags.sourceAccount ? { sourceAccount: flags.sourceAccount } : {},
  );
  if (!flags.out) {
    ctx.io.stdout.write(menu);
    return EXIT_OK;
  }
  const path = resolve(ctx.io.cwd, flags.out);
  writeFileAtomic(path, menu);
  const targets = menu.split('\n').filter((l) => l.startsWith('role_name = ')).length;
  ctx.out(
    `wrote ${path}: ${targets} switch-role target${targets === 1 ? '' : 's'}; paste it into the aws-extend-switch-roles extension's configuration`,
  );
  return EXIT_OK;
}

export function defineBrowserConfig(command: Command, runtime: CliRuntime): void {
  command
    .option('--out <file>', 'write it to FILE instead of printing it')
    .option('--source-account <id>', 'the account you sign in to (default: the account of source.mfa_serial)')
    .action((flags: BrowserConfigFlags, command: Command) =>
      runtime.run(command, (ctx) => runBrowserConfig(ctx, command, flags)),
    );
}
