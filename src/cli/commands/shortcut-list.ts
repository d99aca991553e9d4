import type { Command } from 'commander';
import type { RegistryAccount } from '../../core/config/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { renderOutput } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import { EXIT_OK } from '../report-error.js';
import { CrossbarError } from '../../core/errors.js';

/** `crossbar shortcut list`: the named switches of seed 000 (`/switch-to-prod`), with where each one goes. */
interface ShortcutRow {
  name: string;
  account: RegistryAccount;
  role: string;
  region: string;
}

function columns(ctx: CliContext): Column<ShortcutRow>[] {
  return [
    {
      key: 'name',
      header: 'SHORTCUT',
      value: (s) => s.name,
      cell: (s) => paintStage(ctx.colors, s.name, s.account.stage, s.account.color),
    },
    { key: 'account', header: 'ACCOUNT', value: (s) => s.account.name },
    { key: 'accountId', header: 'ID', value: (s) => s.account.id },
    { key: 'role', header: 'ROLE', value: (s) => s.role },
    { key: 'region', header: 'REGION', value: (s) => s.region },
    {
      key: 'stage',
      header: 'STAGE',
      value: (s) => s.account.stage ?? null,
      cell: (s) => paintStage(ctx.colors, s.account.stage ?? '', s.account.stage, s.account.color),
    },
    {
      key: 'color',
      header: 'COLOUR',
      value: (s) => s.account.color,
      cell: (s) => paintStage(ctx.colors, s.account.color, s.account.stage, s.account.color),
    },
  ];
}

export async function runShortcutList(ctx: CliContext, command: Command): Promise<number> {
  const { crossbar, configPath, workspace } = await openCrossbarFor(ctx, command);
  const rows = crossbar.config.shortcuts.map((s): ShortcutRow => {
    const target = crossbar.resolveTarget(s.name);
    return { name: s.name, account: target.account, role: target.role.key, region: target.region };
  });
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  ctx.io.stdout.write(renderOutput(format, columns(ctx), rows, { header: ctx.colors.bold }));
  if (format === 'table') {
    // Say whose shortcuts these are: a team server's workspace, or crossbar.yaml.
    const where = workspace ? `workspace ${workspace.name} on ${workspace.url}` : configPath;
    if (rows.length > 0) ctx.err(ctx.colors.dim(`shortcuts of ${where}`));
    else if (workspace) ctx.err(ctx.colors.dim(`no shortcuts yet in ${where}: crossbar shortcut add NAME TARGET`));
    else ctx.err(ctx.colors.dim('no shortcuts yet: add them under `shortcuts:` in crossbar.yaml'));
  }
  return EXIT_OK;
}

/** `shortcut list`, the default of the `shortcut` group. */
export function defineShortcutList(command: Command, runtime: CliRuntime): void {
  // `shortcut frobnicate` lands here as the group's default: name the subcommands instead of commander's
  // "too many arguments for 'list'".
  command.argument('[words...]').action((words: string[], _flags: unknown, command: Command) =>
    runtime.run(command, (ctx) => {
      if (words.length > 0)
        throw new CrossbarError('USAGE', `unknown shortcut command '${words[0] ?? ''}'`, {
          hint: 'crossbar shortcut list | add NAME ACCOUNT[:ROLE] [--region R] | remove NAME',
        });
      return runShortcutList(ctx, command);
    }),
  );
}
