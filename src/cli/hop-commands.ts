import type { Command } from 'commander';
import type { CliRuntime } from './main.js';
import { registerAccounts } from './commands/accounts-list.js';
import { registerAccountsCheck } from './commands/accounts-check.js';
import { registerCredentialProcess } from './commands/credential-process.js';
import { registerEnv } from './commands/env.js';
import { registerExec } from './commands/exec.js';
import { registerShell } from './commands/shell.js';
import { registerShortcut } from './commands/shortcut-list.js';
import { registerWhoami } from './commands/whoami.js';

/**
 * The hop commands (issue 3): moving into accounts. Their modules import only light things at the top (commander,
 * the renderers, pure helpers); the config loader and the AWS SDK come in with the first command that runs.
 */
export const HOP_COMMANDS = ['accounts', 'whoami', 'exec', 'env', 'credential-process', 'shortcut', 'shell'] as const;

export function registerHopCommands(program: Command, runtime: CliRuntime): void {
  const accounts = registerAccounts(program, runtime);
  registerAccountsCheck(accounts, runtime);
  registerWhoami(program, runtime);
  registerExec(program, runtime);
  registerEnv(program, runtime);
  registerCredentialProcess(program, runtime);
  registerShortcut(program, runtime);
  registerShell(program, runtime);
}
