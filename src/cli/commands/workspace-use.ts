import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { saveServerState } from '../team/server-state.js';
import { openSignedIn, wsPath } from '../team/signed-in.js';
import { parseDetail } from '../team/workspace-answers.js';

/**
 * `crossbar workspace use NAME`: the current workspace, checked against the server (the member must see it). While
 * one is current, exec, env, console, credential-process, run and the generated profiles get their credentials from
 * the server; `--none` goes back to crossbar.yaml and the local source identity.
 */
export async function runWorkspaceUse(ctx: CliContext, name: string | undefined, none: boolean): Promise<number> {
  if ((name === undefined) === !none)
    throw new CrossbarError('USAGE', name === undefined ? 'which workspace?' : 'a NAME or --none, not both', {
      hint: 'crossbar workspace use NAME (crossbar workspace list shows yours), or --none for crossbar.yaml',
    });
  const { home, state, client } = await openSignedIn(ctx);
  const { dim, bold } = ctx.colors;
  if (name === undefined) {
    const { workspace: _left, ...rest } = state;
    saveServerState(home, rest);
    ctx.err(`No current workspace: hop commands use crossbar.yaml and your own AWS identity again.`);
    return EXIT_OK;
  }
  const detail = await client.get(wsPath(name), parseDetail);
  saveServerState(home, { ...state, workspace: detail.workspace.name });
  ctx.err(`Now using workspace ${bold(detail.workspace.name)} on ${state.url} as ${detail.role}.`);
  ctx.err(
    dim(
      `exec, env, console, credential-process and run get their credentials from the server (${detail.accounts.length} accounts); --none goes back.`,
    ),
  );
  return EXIT_OK;
}

export function defineWorkspaceUse(command: Command, runtime: CliRuntime): void {
  command
    .argument('[name]', 'the workspace')
    .option('--none', 'no current workspace: back to crossbar.yaml and your own AWS identity')
    .action((name: string | undefined, flags: { none?: boolean }, command: Command) =>
      runtime.run(command, (ctx) => runWorkspaceUse(ctx, name, flags.none === true)),
    );
}
