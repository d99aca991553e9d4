import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { anyAnswer } from '../team/server-client.js';
import { openSignedIn, workspaceOf, wsPath, type SignedIn } from '../team/signed-in.js';
import {
  parseMember,
  parseMembers,
  WORKSPACE_ROLE_NAMES,
  type MemberLimitAnswer,
  type WorkspaceMember,
  type WorkspaceRoleName,
} from '../team/workspace-answers.js';
import { limitsText } from './workspace-show.js';

/**
 * `crossbar workspace add-member USER`, `set-role USER ROLE` and `remove-member USER`, in the current workspace or
 * `--workspace NAME`. A member's limits (`--limit stage=dev=admin`: in those accounts, only those roles) narrow what
 * their role may use; set-role keeps the limits unless given new ones or `--no-limits`.
 */
interface MemberFlags {
  workspace?: string;
  role?: string;
  limit?: string[];
  /** commander's `--no-limits`: false when given. */
  limits?: boolean;
}

function roleName(text: string): WorkspaceRoleName {
  const role = WORKSPACE_ROLE_NAMES.find((r) => r === text);
  if (!role)
    throw new CrossbarError('USAGE', `'${text}' is not a workspace role`, {
      hint: `use one of ${WORKSPACE_ROLE_NAMES.join(', ')}`,
    });
  return role;
}

/** `SELECTOR=ROLE[,ROLE]`: the last `=` splits, as selectors have their own (`stage=dev=admin`). */
export function parseLimit(text: string): MemberLimitAnswer {
  const at = text.lastIndexOf('=');
  const accounts = text.slice(0, at);
  const roles = text
    .slice(at + 1)
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean);
  if (at <= 0 || roles.length === 0)
    throw new CrossbarError('USAGE', `'${text}' is not a limit`, {
      hint: 'SELECTOR=ROLE[,ROLE]: stage=dev=admin, all=readonly (* for every role)',
    });
  return { accounts, roles };
}

async function membersOf(signed: SignedIn, workspace: string): Promise<WorkspaceMember[]> {
  return (await signed.client.get(wsPath(workspace, '/members'), parseMembers)).members;
}

async function putMember(signed: SignedIn, workspace: string, user: string, role: string, limits: MemberLimitAnswer[]) {
  const path = wsPath(workspace, `/members/${encodeURIComponent(user)}`);
  return (await signed.client.put(path, { role, limits }, parseMember)).member;
}

function describe(ctx: CliContext, user: string, role: string, limits: readonly MemberLimitAnswer[]): string {
  return `${ctx.colors.bold(user)} as ${role}${limits.length ? ` (limits: ${limitsText(limits)})` : ''}`;
}

export async function runAddMember(ctx: CliContext, user: string, flags: MemberFlags): Promise<number> {
  const role = roleName(flags.role ?? 'viewer');
  const limits = (flags.limit ?? []).map(parseLimit);
  const signed = await openSignedIn(ctx);
  const workspace = workspaceOf(signed.state, flags.workspace);
  const existing = (await membersOf(signed, workspace)).find((m) => m.username === user);
  if (existing)
    throw new CrossbarError('CONFLICT', `${user} is already a member of ${workspace} (${existing.role})`, {
      hint: `crossbar workspace set-role ${user} ROLE --workspace ${workspace}`,
    });
  await putMember(signed, workspace, user, role, limits);
  ctx.err(`Added ${describe(ctx, user, role, limits)} to ${workspace}.`);
  return EXIT_OK;
}

export async function runSetRole(ctx: CliContext, user: string, roleText: string, flags: MemberFlags): Promise<number> {
  const role = roleName(roleText);
  const given = flags.limit?.map(parseLimit);
  if (given && flags.limits === false)
    throw new CrossbarError('USAGE', '--limit and --no-limits contradict each other');
  const signed = await openSignedIn(ctx);
  const workspace = workspaceOf(signed.state, flags.workspace);
  const existing = (await membersOf(signed, workspace)).find((m) => m.username === user);
  if (!existing)
    throw new CrossbarError('NOT_FOUND', `${user} is not a member of ${workspace}`, {
      hint: `crossbar workspace add-member ${user} --role ${role} --workspace ${workspace}`,
    });
  const limits = flags.limits === false ? [] : (given ?? existing.limits);
  await putMember(signed, workspace, user, role, limits);
  ctx.err(`${workspace}: ${describe(ctx, user, role, limits)} (was ${existing.role}).`);
  return EXIT_OK;
}

export async function runRemoveMember(ctx: CliContext, user: string, flags: MemberFlags): Promise<number> {
  const signed = await openSignedIn(ctx);
  const workspace = workspaceOf(signed.state, flags.workspace);
  await signed.client.delete(wsPath(workspace, `/members/${encodeURIComponent(user)}`), anyAnswer);
  ctx.err(`Removed ${ctx.colors.bold(user)} from ${workspace}.`);
  return EXIT_OK;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function workspaceOption(command: Command): Command {
  return command.option('-w, --workspace <name>', 'the workspace (default: the current one)');
}

export function defineAddMember(command: Command, runtime: CliRuntime): void {
  workspaceOption(command)
    .argument('<user>', 'a user of the server')
    .option('--role <role>', `${WORKSPACE_ROLE_NAMES.join(', ')}`, 'viewer')
    .option('--limit <selector=roles>', 'only these roles in these accounts (repeatable): stage=dev=admin', collect)
    .action((user: string, flags: MemberFlags, command: Command) =>
      runtime.run(command, (ctx) => runAddMember(ctx, user, flags)),
    );
}

export function defineSetRole(command: Command, runtime: CliRuntime): void {
  workspaceOption(command)
    .argument('<user>', 'a member of the workspace')
    .argument('<role>', WORKSPACE_ROLE_NAMES.join(', '))
    .option(
      '--limit <selector=roles>',
      'new limits (repeatable): stage=dev=admin; default: keep the current ones',
      collect,
    )
    .option('--no-limits', 'drop the limits: the role applies in every account of the workspace')
    .action((user: string, role: string, flags: MemberFlags, command: Command) =>
      runtime.run(command, (ctx) => runSetRole(ctx, user, role, flags)),
    );
}

export function defineRemoveMember(command: Command, runtime: CliRuntime): void {
  workspaceOption(command)
    .argument('<user>', 'a member of the workspace')
    .action((user: string, flags: MemberFlags, command: Command) =>
      runtime.run(command, (ctx) => runRemoveMember(ctx, user, flags)),
    );
}
