import type { RegistryAccount, RegistryRole } from '../core/config/index.js';
import { CrossbarError } from '../core/errors.js';
import { activeUnlock, recordGuardrailEvent, type Unlock } from '../core/unlocks.js';
import type { CliIo } from './context.js';
import { anyTerminalAsk, canPrompt, terminalAsk, type AskLine } from './prompt.js';

/**
 * The guardrail of a role marked `confirm: true` (production admin): before `exec`, `env`, `shell`, `console`,
 * `run` or `credential-process` uses it, the person types the account's name, on the terminal or, when stdin and
 * stderr are pipes (credential-process under the AWS CLI), on the controlling terminal. A live `crossbar unlock`
 * of the role stands for the confirmation. Without either it refuses, naming `crossbar unlock` (and `--yes` where
 * the command has it), so that neither a script nor a warm cache walks into production unasked.
 */
export interface ConfirmOptions {
  /** `--yes`: the caller already decided. Undefined for a command that has no such flag (credential-process). */
  yes?: boolean | undefined;
  /** How to ask; defaults to the person's terminal when there is one. */
  ask?: AskLine | undefined;
  signal?: AbortSignal | undefined;
  /** CROSSBAR_HOME, where unlocks are kept and the guardrail's events recorded. */
  home?: string | undefined;
  /** The command using the role, for the record. */
  command?: string | undefined;
  now?: number | undefined;
}

/**
 * True when a live unlock of the target's role stands for its confirmation; the use is recorded. `unlocks`: the
 * file read once by a caller that checks many targets (a run).
 */
export function useUnlock(
  home: string,
  target: { account: RegistryAccount; role: RegistryRole },
  now: number,
  command: string | undefined,
  unlocks?: readonly Unlock[],
): boolean {
  const { account, role } = target;
  if (!activeUnlock(home, account.id, role.arn, now, unlocks)) return false;
  const label = `${account.name}:${role.key}`;
  const entry = { event: 'use-unlock', label, accountId: account.id, roleArn: role.arn } as const;
  recordGuardrailEvent(home, command ? { ...entry, command } : entry, now);
  return true;
}

/**
 * Guarded roles confirmed in this process (typed, an unlock, or --yes): a team server asks its own question
 * (`confirm: true` in the request), which the confirmation already given answers.
 */
const confirmedHere = new Set<string>();

export function confirmedInProcess(target: { account: RegistryAccount; role: RegistryRole }): boolean {
  return confirmedHere.has(`${target.account.id} ${target.role.arn}`);
}

export async function confirmTarget(
  target: { account: RegistryAccount; role: RegistryRole },
  io: CliIo,
  options: ConfirmOptions = {},
): Promise<void> {
  if (!target.role.confirm) return;
  await confirmGuarded(target, io, options);
  confirmedHere.add(`${target.account.id} ${target.role.arn}`);
}

async function confirmGuarded(
  target: { account: RegistryAccount; role: RegistryRole },
  io: CliIo,
  options: ConfirmOptions,
): Promise<void> {
  const { account, role } = target;
  if (options.yes) return;
  const label = `${account.name}:${role.key}`;
  const now = options.now ?? Date.now();
  const record = (event: 'confirmed' | 'refused') => {
    if (options.home === undefined) return;
    const entry = { event, label, accountId: account.id, roleArn: role.arn };
    recordGuardrailEvent(options.home, options.command ? { ...entry, command: options.command } : entry, now);
  };
  if (options.home !== undefined && useUnlock(options.home, target, now, options.command)) return;
  const ask = options.ask ?? anyTerminalAsk(io, options.signal);
  if (!ask) {
    record('refused');
    const orYes = options.yes === undefined ? '' : ', or pass --yes';
    throw new CrossbarError(
      'USAGE',
      `${label} needs confirmation (confirm: true) and there is no terminal to type '${account.name}' on`,
      { hint: `run \`crossbar unlock ${label}\` on a terminal first (it lasts an hour)${orYes}` },
    );
  }
  const stage = account.stage ? `, stage ${account.stage}` : '';
  const answer = await ask(
    `${account.name} (${account.id}${stage}) as ${role.key} needs confirmation. Type the account name to continue: `,
  );
  if (answer !== account.name) {
    record('refused');
    throw new CrossbarError('USAGE', `'${answer}' is not '${account.name}': nothing was run`);
  }
  record('confirmed');
}

/** ` (UserName, Path)`: the parameters by name only, for messages that may end up in a log (a value may be secret). */
function named(parameters: unknown): string {
  const names = typeof parameters === 'object' && parameters !== null ? Object.keys(parameters) : [];
  return names.length > 0 ? ` (${names.join(', ')})` : '';
}

/** What `run --allow-writes` is about to send, for the confirmation. */
export interface WritePlan {
  /** `iam CreateUser`. */
  operation: string;
  parameters: unknown;
  accounts: readonly { account: RegistryAccount; role: RegistryRole }[];
  /** `in us-east-1, eu-west-1`, `once per account (global)`. */
  where: string;
}

export interface WriteConfirmOptions {
  yes?: boolean | undefined;
  ask?: AskLine | undefined;
  signal?: AbortSignal | undefined;
  /** Called once per account with the decision, for the trail. */
  record?: ((event: 'write-confirmed' | 'write-refused', target: WritePlan['accounts'][number]) => void) | undefined;
}

/**
 * The confirmation of a write `run` sends with --allow-writes: the operation, its parameters and every account
 * (with its stage and role) on stderr, then `yes` typed on the terminal. `--yes` stands for it; without a
 * terminal and without `--yes` nothing is sent (usage error, exit 2).
 */
export async function confirmWrite(io: CliIo, plan: WritePlan, options: WriteConfirmOptions = {}): Promise<void> {
  const record = (event: 'write-confirmed' | 'write-refused') => {
    for (const a of plan.accounts) options.record?.(event, a);
  };
  const count = `${plan.accounts.length} account${plan.accounts.length === 1 ? '' : 's'}`;
  const what = `${plan.operation} ${JSON.stringify(plan.parameters ?? {})}`;
  if (options.yes) {
    record('write-confirmed');
    return;
  }
  const ask = options.ask ?? (canPrompt(io) ? terminalAsk(io, options.signal) : undefined);
  if (!ask) {
    record('write-refused');
    throw new CrossbarError(
      'USAGE',
      `run --allow-writes would send ${plan.operation}${named(plan.parameters)} to ${count} and there is no terminal to confirm on: nothing was sent`,
      { hint: 'add --yes to send it without asking' },
    );
  }
  const lines = plan.accounts.map(({ account, role }) => {
    const stage = account.stage ? `, ${account.stage}` : '';
    return `  ${account.name} (${account.id}${stage}) as ${role.key}`;
  });
  io.stderr.write(
    `This may change things. run would send\n  ${what}\nto ${count}, ${plan.where}:\n${lines.join('\n')}\n`,
  );
  const answer = await ask('Type yes to send it: ');
  if (answer !== 'yes') {
    record('write-refused');
    throw new CrossbarError('USAGE', `'${answer}' is not 'yes': nothing was sent`);
  }
  record('write-confirmed');
}
