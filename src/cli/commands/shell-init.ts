import type { Command } from 'commander';
import { quoteFish, quoteSh } from '../../core/env-vars.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { selfWords } from './completion.js';

/**
 * `eval "$(crossbar shell-init bash)"` defines `xb`, which switches the current shell into an account as
 * Granted's `assume` does: `xb production` evaluates `crossbar env production` in this shell (no subshell), `xb`
 * alone picks on the terminal, `xb -u` unsets the account again. A failed lookup changes nothing.
 */
const SHELLS = ['bash', 'zsh', 'sh', 'fish'] as const;

export function shellInitScript(shell: (typeof SHELLS)[number], words: readonly string[]): string {
  if (shell === 'fish') {
    const cmd = words.map(quoteFish).join(' ');
    return `# crossbar: xb ACCOUNT switches this shell (crossbar shell-init fish | source)
function xb --description 'crossbar: switch this shell into an account'
    if test "$argv[1]" = -u
        set -e AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION CROSSBAR_ACCOUNT CROSSBAR_ACCOUNT_ID CROSSBAR_STAGE CROSSBAR_ROLE
        return 0
    end
    set -l lines (${cmd} env --shell fish $argv); or return $status
    printf '%s\\n' $lines | source
end
`;
  }
  const cmd = words.map(quoteSh).join(' ');
  return `# crossbar: xb ACCOUNT switches this shell (eval "$(crossbar shell-init ${shell})")
xb() {
  if [ "\${1-}" = "-u" ]; then
    unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION CROSSBAR_ACCOUNT CROSSBAR_ACCOUNT_ID CROSSBAR_STAGE CROSSBAR_ROLE
    return 0
  fi
  __xb_env="$(${cmd} env --shell sh "$@")" || { __xb_status=$?; unset __xb_env; return $__xb_status; }
  eval "$__xb_env"
  unset __xb_env
}
`;
}

export function defineShellInit(command: Command, runtime: CliRuntime): void {
  command
    .argument('<shell>', SHELLS.join(', '))
    .addHelpText(
      'after',
      '\nbash/zsh: eval "$(crossbar shell-init bash)"   fish: crossbar shell-init fish | source\nThen: xb production, xb prod:admin, xb /switch-to-prod, xb (pick on the terminal), xb -u (leave).',
    )
    .action((shell: string, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => {
        const known = SHELLS.find((s) => s === shell);
        if (!known)
          throw new CrossbarError('USAGE', `no shell-init for '${shell}'`, { hint: `use ${SHELLS.join(', ')}` });
        ctx.io.stdout.write(shellInitScript(known, selfWords(ctx.io)));
        return Promise.resolve(EXIT_OK);
      }),
    );
}
