import type { Command } from 'commander';
import { quoteFish, quoteSh } from '../../core/env-vars.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliIo } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { resolveSelfCommand } from '../self-command.js';

/**
 * `crossbar completion bash|zsh|fish`: a completion script that asks `crossbar __complete --line …` for the
 * words that may come next (commands, flags, accounts, `NAME:ROLE`, shortcuts). It calls the crossbar that
 * printed it: plain `crossbar` when that is the one on PATH, else this program by absolute path.
 */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

export function selfWords(io: CliIo): string[] {
  return (io.program ? resolveSelfCommand(io.program, io.env).words : undefined) ?? ['crossbar'];
}

export function completionScript(shell: CompletionShell, words: readonly string[]): string {
  switch (shell) {
    case 'bash': {
      const cmd = words.map(quoteSh).join(' ');
      return `# crossbar completion for bash: source <(crossbar completion bash), or add that line to ~/.bashrc
_crossbar_complete() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="\${COMP_LINE:0:COMP_POINT}"
  cur="\${cur##*[[:space:]]}"
  local IFS=$'\\n'
  COMPREPLY=( $(${cmd} __complete --line "$line" 2>/dev/null) )
  # bash splits words at ':' (COMP_WORDBREAKS): offer what follows the part already typed before it.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}"
    COMPREPLY=( "\${COMPREPLY[@]#"$prefix"}" )
  fi
}
complete -o default -F _crossbar_complete crossbar xb
`;
    }
    case 'zsh': {
      const cmd = words.map(quoteSh).join(' ');
      return `#compdef crossbar xb
# crossbar completion for zsh: source <(crossbar completion zsh), after compinit
_crossbar() {
  local -a candidates
  candidates=( "\${(@f)$(${cmd} __complete --line "\${(j: :)words[1,CURRENT]}" 2>/dev/null)}" )
  compadd -- "\${candidates[@]}"
}
compdef _crossbar crossbar xb
`;
    }
    case 'fish': {
      const cmd = words.map(quoteFish).join(' ');
      return `# crossbar completion for fish: crossbar completion fish | source
function __crossbar_complete
    ${cmd} __complete --line (commandline -cp) 2>/dev/null
end
complete -c crossbar -f -a '(__crossbar_complete)'
complete -c xb -f -a '(__crossbar_complete)'
`;
    }
  }
}

export function isCompletionShell(value: string): value is CompletionShell {
  return (COMPLETION_SHELLS as readonly string[]).includes(value);
}

export function defineCompletion(command: Command, runtime: CliRuntime): void {
  command
    .argument('<shell>', COMPLETION_SHELLS.join(', '))
    .addHelpText(
      'after',
      '\nbash: source <(crossbar completion bash)   zsh: source <(crossbar completion zsh)   fish: crossbar completion fish | source',
    )
    .action((shell: string, _flags: unknown, command: Command) =>
      runtime.run(command, (ctx) => {
        if (!isCompletionShell(shell))
          throw new CrossbarError('USAGE', `no completion for '${shell}'`, {
            hint: `use ${COMPLETION_SHELLS.join(', ')}`,
          });
        ctx.io.stdout.write(completionScript(shell, selfWords(ctx.io)));
        return Promise.resolve(EXIT_OK);
      }),
    );
}
