import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { addShortcut, buildRegistry, loadConfigFile, removeShortcut } from '../../core/config/index.js';
import { resolveConfigPath } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import { resolveTarget } from '../../core/select/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { configFlag } from '../open-crossbar.js';
import { EXIT_OK } from '../report-error.js';
import { writeFileAtomic } from '../write-files.js';
import { serverWorkspace } from '../team/signed-in.js';

/**
 * `crossbar shortcut add NAME TARGET` and `shortcut remove NAME`: shortcuts live in crossbar.yaml, and these edit
 * it in place (comments and layout kept), validated as a whole before the file is replaced atomically. With a
 * current workspace of a team server (and no --config) they change the workspace's shortcuts on the server instead;
 * the line printed says which.
 */
interface AddFlags {
  region?: string;
}

function configPathOf(ctx: CliContext, command: Command): string {
  return resolveConfigPath({ flag: configFlag(command), env: ctx.io.env, cwd: ctx.io.cwd });
}

function shortcutName(text: string): string {
  const name = text.startsWith('/') ? text : `/${text}`;
  if (!/^\/[a-z0-9][a-z0-9-]*$/i.test(name))
    throw new CrossbarError('USAGE', `'${text}' cannot be a shortcut name`, {
      hint: 'a slash, then letters, digits and dashes: /switch-to-prod',
    });
  return name;
}

function write(path: string, text: string): void {
  writeFileAtomic(path, text, statSync(path).mode & 0o777);
}

export async function runShortcutAdd(
  ctx: CliContext,
  command: Command,
  nameText: string,
  targetText: string,
  flags: AddFlags,
): Promise<number> {
  const name = shortcutName(nameText);
  if (targetText.startsWith('/'))
    throw new CrossbarError('USAGE', 'a shortcut goes to an account, not to another shortcut', {
      hint: `crossbar shortcut add ${name} ACCOUNT[:ROLE]`,
    });
  if (serverWorkspace(ctx, configFlag(command) !== undefined)) {
    const { addServerShortcut } = await import('../team/server-shortcuts.js');
    ctx.err(await addServerShortcut(ctx, name, targetText, flags.region));
    return EXIT_OK;
  }
  const path = configPathOf(ctx, command);
  const registry = buildRegistry(loadConfigFile(path));
  // A stage, alias or prefix is resolved now: the file names the account, so that it reads plainly.
  const target = resolveTarget(registry, targetText);
  const roleGiven = targetText.includes(':');
  const text = addShortcut(readFileSync(path, 'utf8'), path, {
    name,
    account: target.account.name,
    role: roleGiven ? target.role.key : undefined,
    region: flags.region,
  });
  write(path, text);
  ctx.err(
    `added ${name} → ${target.account.name}${roleGiven ? `:${target.role.key}` : ''}${flags.region ? ` ${flags.region}` : ''} to ${path}`,
  );
  return EXIT_OK;
}

export async function runShortcutRemove(ctx: CliContext, command: Command, nameText: string): Promise<number> {
  const name = shortcutName(nameText);
  if (serverWorkspace(ctx, configFlag(command) !== undefined)) {
    const { removeServerShortcut } = await import('../team/server-shortcuts.js');
    ctx.err(await removeServerShortcut(ctx, name));
    return EXIT_OK;
  }
  const path = configPathOf(ctx, command);
  write(path, removeShortcut(readFileSync(path, 'utf8'), path, name));
  ctx.err(`removed ${name} from ${path}`);
  return EXIT_OK;
}

export function defineShortcutAdd(command: Command, runtime: CliRuntime): void {
  command
    .argument('<name>', 'the shortcut, e.g. /switch-to-prod')
    .argument('<target>', 'ACCOUNT[:ROLE]: a name, id, alias, stage or unique prefix')
    .option('--region <region>', "the region it switches to (default: the account's first region)")
    .addHelpText('after', '\nExample:\n  crossbar shortcut add /switch-to-prod production:admin --region eu-west-1')
    .action((name: string, target: string, flags: AddFlags, command: Command) =>
      runtime.run(command, (ctx) => runShortcutAdd(ctx, command, name, target, flags)),
    );
}

export function defineShortcutRemove(command: Command, runtime: CliRuntime): void {
  command
    .argument('<name>', 'the shortcut to remove, e.g. /switch-to-prod')
    .action((name: string, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => runShortcutRemove(ctx, command, name)),
    );
}
