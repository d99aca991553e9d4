import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { openSignedIn } from '../team/signed-in.js';
import { parseCreated } from '../team/workspace-answers.js';

/**
 * `crossbar workspace create NAME --accounts SELECTOR…`: a workspace on the server (server owners only), its
 * creator its owner. The connection is how the server gets into it: its own source (default), a profile of the
 * server, the server's environment keys, or a role it assumes first.
 */
interface CreateFlags {
  accounts: string[];
  roles?: string[];
  description?: string;
  connection: string;
  externalId?: string;
}

export function connectionFrom(text: string, externalId: string | undefined): Record<string, string> {
  const [kind = '', ...rest] = text.split(':');
  const value = rest.join(':');
  if (externalId !== undefined && kind !== 'role')
    throw new CrossbarError('USAGE', '--external-id goes with --connection role:ARN');
  if ((kind === 'source' || kind === 'env') && value === '') return { kind };
  if (kind === 'profile' && value !== '') return { kind, profile: value };
  if (kind === 'role' && value !== '')
    return { kind, role_arn: value, ...(externalId !== undefined ? { external_id: externalId } : {}) };
  throw new CrossbarError('USAGE', `'${text}' is not a connection`, {
    hint: "use source (the server's own identity), env, profile:NAME or role:arn:aws:iam::111111111111:role/NAME",
  });
}

export async function runWorkspaceCreate(ctx: CliContext, name: string, flags: CreateFlags): Promise<number> {
  const connection = connectionFrom(flags.connection, flags.externalId);
  const { client, state } = await openSignedIn(ctx);
  const body = {
    name,
    accounts: flags.accounts,
    connection,
    ...(flags.roles ? { roles: flags.roles } : {}),
    ...(flags.description !== undefined ? { description: flags.description } : {}),
  };
  const { workspace } = await client.post('/api/workspaces', body, parseCreated);
  ctx.err(
    `Created workspace ${ctx.colors.bold(workspace.name)} on ${state.url} (accounts ${workspace.accounts.join(' ')}; you are its owner).`,
  );
  ctx.err(ctx.colors.dim(`Next: crossbar workspace add-member USER --role operator --workspace ${workspace.name}`));
  return EXIT_OK;
}

export function defineWorkspaceCreate(command: Command, runtime: CliRuntime): void {
  command
    .argument('<name>', 'the workspace: letters, digits, dot, dash, underscore')
    .requiredOption('--accounts <selector...>', "the accounts it reaches: selectors of the server's registry")
    .option('--roles <key...>', 'the role keys members may use (default: every role of those accounts)')
    .option('--description <text>', 'what it is for')
    .option('--connection <how>', 'source, env, profile:NAME or role:ARN: how the server gets in', 'source')
    .option('--external-id <id>', 'with --connection role:ARN: its ExternalId')
    .addHelpText(
      'after',
      '\nExamples:\n  crossbar workspace create production --accounts production --roles readonly admin\n  crossbar workspace create platform --accounts stage!=prod --connection role:arn:aws:iam::111111111111:role/CrossbarHub',
    )
    .action((name: string, flags: CreateFlags, command: Command) =>
      runtime.run(command, (ctx) => runWorkspaceCreate(ctx, name, flags)),
    );
}
