import type { RegistryAccount, RegistryRole } from '../core/config/index.js';
import { CrossbarError } from '../core/errors.js';
import type { CliIo } from './context.js';
import { canPrompt, terminalAsk, type AskLine } from './prompt.js';

/**
 * The guardrail of a role marked `confirm: true` (production admin): before `exec`, `env`, `shell` or `console`
 * uses it, the person types the account's name. Without a terminal to ask on it refuses unless `--yes`, so a
 * script never walks into production by accident.
 */
export interface ConfirmOptions {
  /** `--yes`: the caller already decided. */
  yes?: boolean;
  /** How to ask; defaults to the terminal when there is one. */
  ask?: AskLine;
  signal?: AbortSignal;
}

export async function confirmTarget(
  target: { account: RegistryAccount; role: RegistryRole },
  io: CliIo,
  options: ConfirmOptions = {},
): Promise<void> {
  const { account, role } = target;
  if (!role.confirm || options.yes) return;
  const ask = options.ask ?? (canPrompt(io) ? terminalAsk(io, options.signal) : undefined);
  if (!ask) {
    throw new CrossbarError(
      'USAGE',
      `${account.name}:${role.key} needs confirmation and there is no terminal to type '${account.name}' on: pass --yes to go ahead`,
    );
  }
  const stage = account.stage ? `, stage ${account.stage}` : '';
  const answer = await ask(
    `${account.name} (${account.id}${stage}) as ${role.key} needs confirmation. Type the account name to continue: `,
  );
  if (answer !== account.name) {
    throw new CrossbarError('USAGE', `'${answer}' is not '${account.name}': nothing was run`);
  }
}
