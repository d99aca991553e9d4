import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render } from '../render/renderer.js';
import { EXIT_OK } from '../report-error.js';
import { openSignedIn } from '../team/signed-in.js';
import { parseWorkspaceList, type ListedWorkspace } from '../team/workspace-answers.js';

/** `crossbar workspace list`: the workspaces of the signed-in member on the server, the current one marked. */
type Row = ListedWorkspace & { current: boolean };

function columns(ctx: CliContext): Column<Row>[] {
  return [
    {
      key: 'name',
      header: 'WORKSPACE',
      value: (w) => w.name,
      cell: (w) => (w.current ? ctx.colors.bold(`* ${w.name}`) : `  ${w.name}`),
    },
    { key: 'role', header: 'YOUR ROLE', value: (w) => w.role },
    { key: 'accounts', header: 'ACCOUNTS', value: (w) => w.accounts.join(' ') },
    { key: 'connection', header: 'CONNECTION', value: (w) => w.connection.kind },
    { key: 'members', header: 'MEMBERS', value: (w) => w.member_count, align: 'right' },
    { key: 'description', header: 'DESCRIPTION', value: (w) => w.description },
    { key: 'current', header: 'CURRENT', value: (w) => w.current },
  ];
}

export async function runWorkspaceList(ctx: CliContext): Promise<number> {
  const { state, client } = await openSignedIn(ctx);
  const { workspaces } = await client.get('/api/workspaces', parseWorkspaceList);
  const rows = workspaces.map((w): Row => ({ ...w, current: w.name === state.workspace }));
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  const tableColumns = columns(ctx).filter((c) => format !== 'table' || c.key !== 'current');
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    { columns: tableColumns, tableOptions: { header: ctx.colors.bold } },
    rows,
  );
  if (format === 'table' && rows.length === 0)
    ctx.err(ctx.colors.dim(`${state.username} is a member of no workspace on ${state.url} yet`));
  else if (format === 'table' && !state.workspace)
    ctx.err(ctx.colors.dim('none is current: crossbar workspace use NAME'));
  return EXIT_OK;
}

/** `workspace list`, the default of the `workspace` group. */
export function defineWorkspaceList(command: Command, runtime: CliRuntime): void {
  // `workspace frobnicate` lands here as the group's default: name the subcommands instead.
  command.argument('[words...]').action((words: string[], _flags: unknown, command: Command) =>
    runtime.run(command, (ctx) => {
      if (words.length > 0)
        throw new CrossbarError('USAGE', `unknown workspace command '${words[0] ?? ''}'`, {
          hint: 'crossbar workspace list | create | show | use | add-member | remove-member | set-role',
        });
      return runWorkspaceList(ctx);
    }),
  );
}
