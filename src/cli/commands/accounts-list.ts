import type { Command } from 'commander';
import type { RegistryAccount } from '../../core/config/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import { EXIT_OK } from '../report-error.js';

/** `crossbar accounts [list] [SELECTOR]`: the registry, coloured by stage. */
function columns(ctx: CliContext): Column<RegistryAccount>[] {
  return [
    {
      key: 'name',
      header: 'NAME',
      value: (a) => a.name,
      cell: (a) => paintStage(ctx.colors, a.name, a.stage, a.color),
    },
    { key: 'id', header: 'ID', value: (a) => a.id },
    { key: 'alias', header: 'ALIAS', value: (a) => a.alias ?? null },
    {
      key: 'stage',
      header: 'STAGE',
      value: (a) => a.stage ?? null,
      cell: (a) => paintStage(ctx.colors, a.stage ?? '', a.stage, a.color),
    },
    { key: 'ou', header: 'OU', value: (a) => a.ou ?? null },
    { key: 'roles', header: 'ROLES', value: (a) => a.roles.map((r) => r.key).join(' ') },
    { key: 'profiles', header: 'PROFILES', value: (a) => a.roles.map((r) => r.profileName).join(' ') },
  ];
}

/** JSON keeps the structure (roles as objects) that CSV and the table flatten. */
function accountRecord(a: RegistryAccount): Record<string, unknown> {
  return {
    name: a.name,
    id: a.id,
    alias: a.alias ?? null,
    stage: a.stage ?? null,
    color: a.color,
    ou: a.ou ?? null,
    tags: a.tags,
    regions: a.regions,
    source: a.source,
    roles: a.roles.map((r) => ({
      key: r.key,
      name: r.name,
      arn: r.arn,
      profile: r.profileName,
      mfa: r.mfa,
      confirm: r.confirm,
      ...(r.via ? { via: r.via } : {}),
      ...(r.permissionSet ? { permissionSet: r.permissionSet } : {}),
    })),
  };
}

export async function runAccountsList(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
): Promise<number> {
  const { crossbar } = await openCrossbarFor(ctx, command);
  const accounts = crossbar.selectAccounts(selector);
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    { columns: columns(ctx), record: accountRecord, tableOptions: { header: ctx.colors.bold } },
    accounts,
  );
  return EXIT_OK;
}

/** `accounts list`, the default of the `accounts` group: `crossbar accounts stage=prod` lists too. */
export function defineAccountsList(command: Command, runtime: CliRuntime): void {
  command
    .argument(
      '[selector]',
      'names, ids, aliases or globs, stage=prod, ou=/Workloads/*, tag:team=payments, workspace=NAME, all; !X excludes',
    )
    .action((selector: string | undefined, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => runAccountsList(ctx, command, selector)),
    );
}
