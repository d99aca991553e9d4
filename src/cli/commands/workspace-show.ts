import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render, tableText } from '../render/renderer.js';
import { paintStage } from '../render/stage.js';
import { EXIT_OK } from '../report-error.js';
import { openSignedIn, workspaceOf, wsPath } from '../team/signed-in.js';
import {
  parseDetail,
  parseMembers,
  type MemberLimitAnswer,
  type WorkspaceAccount,
  type WorkspaceMember,
  type WorkspaceShortcut,
} from '../team/workspace-answers.js';

/**
 * `crossbar workspace show [NAME]`: a workspace as the member sees it: its accounts with the roles they may use
 * there, its shortcuts and its members with their roles and limits. JSON is the whole answer; CSV and NDJSON list
 * the accounts.
 */
function accountColumns(ctx: CliContext): Column<WorkspaceAccount>[] {
  return [
    {
      key: 'name',
      header: 'ACCOUNT',
      value: (a) => a.name,
      cell: (a) => paintStage(ctx.colors, a.name, a.stage ?? undefined, a.color),
    },
    { key: 'id', header: 'ID', value: (a) => a.id },
    { key: 'stage', header: 'STAGE', value: (a) => a.stage },
    {
      key: 'roles',
      header: 'ROLES YOU MAY USE',
      value: (a) =>
        a.roles
          .map((r) => `${r.key}${r.confirm ? ' (confirm)' : ''}${r.mfa === 'required' ? ' (mfa)' : ''}`)
          .join(', '),
    },
  ];
}

const shortcutColumns: Column<WorkspaceShortcut>[] = [
  { key: 'name', header: 'SHORTCUT', value: (s) => s.name },
  { key: 'account', header: 'ACCOUNT', value: (s) => s.account },
  { key: 'role', header: 'ROLE', value: (s) => s.role },
  { key: 'region', header: 'REGION', value: (s) => s.region },
];

export function limitsText(limits: readonly MemberLimitAnswer[]): string {
  return limits.length === 0 ? '' : limits.map((l) => `${l.accounts}=${l.roles.join(',')}`).join(' ');
}

const memberColumns: Column<WorkspaceMember>[] = [
  { key: 'username', header: 'MEMBER', value: (m) => m.username },
  { key: 'role', header: 'ROLE', value: (m) => m.role },
  { key: 'limits', header: 'LIMITS', value: (m) => limitsText(m.limits) },
];

export async function runWorkspaceShow(ctx: CliContext, named: string | undefined): Promise<number> {
  const { state, client } = await openSignedIn(ctx);
  const name = workspaceOf(state, named);
  const detail = await client.get(wsPath(name), parseDetail);
  const { members } = await client.get(wsPath(name, '/members'), parseMembers);
  const { bold, dim } = ctx.colors;
  const section = <Row>(title: string, columns: readonly Column<Row>[], rows: readonly Row[], empty: string) =>
    `\n${bold(title)}\n${rows.length === 0 ? `  ${dim(empty)}\n` : tableText(columns, rows, { header: dim, indent: '  ' })}`;
  const ws = detail.workspace;
  const table = () =>
    [
      `${bold(ws.name)}${ws.name === state.workspace ? dim(' (current)') : ''}  your role: ${detail.role}${detail.limits.length ? ` (limits: ${limitsText(detail.limits)})` : ''}\n`,
      ws.description ? `${ws.description}\n` : '',
      `${dim('connection')} ${ws.connection.kind}${ws.connection.profile ? ` ${ws.connection.profile}` : ''}${ws.connection.role_arn ? ` ${ws.connection.role_arn}` : ''}  ${dim('accounts')} ${ws.accounts.join(' ')}${ws.roles.length ? `  ${dim('roles')} ${ws.roles.join(' ')}` : ''}\n`,
      section('Accounts', accountColumns(ctx), detail.accounts, 'none reached'),
      section('Shortcuts', shortcutColumns, detail.shortcuts, 'none'),
      section('Members', memberColumns, members, 'none'),
    ].join('');
  render(
    resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY),
    { stdout: ctx.io.stdout, err: ctx.err },
    { columns: accountColumns(ctx), document: () => ({ ...detail, members }), table },
    detail.accounts,
  );
  return EXIT_OK;
}

export function defineWorkspaceShow(command: Command, runtime: CliRuntime): void {
  command
    .argument('[name]', 'the workspace (default: the current one)')
    .action((name: string | undefined, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => runWorkspaceShow(ctx, name)),
    );
}
