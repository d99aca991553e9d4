import { basename, join } from 'node:path';
import { quoteFish, quoteSh } from '../core/env-vars.js';

/**
 * How `crossbar shell` starts the person's own shell with a prompt marker (`[production:admin prod]` in the
 * stage's colour) on top of their own prompt: bash through an rc file that sources ~/.bashrc first, zsh through a
 * ZDOTDIR whose files source the person's own, fish through --init-command, any other shell through PS1. Pure:
 * the caller writes the files to a private temp folder and removes them after.
 */
export type ShellFamily = 'bash' | 'zsh' | 'fish' | 'sh';

export function shellFamily(shellPath: string): ShellFamily {
  const name = basename(shellPath);
  if (name === 'bash' || name === 'zsh' || name === 'fish') return name;
  return 'sh';
}

export interface SubshellPlan {
  args: string[];
  /** Added to the child's environment. */
  env: Record<string, string>;
  files: { name: string; text: string }[];
}

/** The ANSI code of a stage colour (the prompt's, whatever picocolors thinks of stdout). */
const ANSI: Record<string, string> = {
  green: '32',
  yellow: '33',
  orange: '33',
  red: '31',
  blue: '34',
  purple: '35',
  magenta: '35',
  cyan: '36',
  gray: '90',
};

export interface MarkerInput {
  label: string;
  /** The account's colour (red, green, …), or undefined for none. */
  color?: string | undefined;
  /** false with NO_COLOR or --no-color. */
  colors: boolean;
}

/** Only characters no prompt language gives a meaning to: a stage name cannot inject `$(…)` or `%F` into a prompt. */
function safeLabel(label: string): string {
  return label.replace(/[^\w.:@/ -]/g, '');
}

export function planSubshell(
  family: ShellFamily,
  marker: MarkerInput,
  dir: string,
  env: Record<string, string | undefined>,
): SubshellPlan {
  const label = `[${safeLabel(marker.label)}]`;
  const code = marker.colors && marker.color ? ANSI[marker.color] : undefined;
  switch (family) {
    case 'bash': {
      const painted = code ? `\\[\\e[${code}m\\]${label}\\[\\e[0m\\]` : label;
      const rc = [
        '# crossbar shell: your own ~/.bashrc, then the account in front of your prompt',
        '[ -f "$HOME/.bashrc" ] && . "$HOME/.bashrc"',
        `PS1=${quoteSh(`${painted} `)}"\${PS1:-\\\\s-\\\\v\\\\\\$ }"`,
        '',
      ].join('\n');
      const rcPath = join(dir, 'bashrc');
      return { args: ['--rcfile', rcPath], env: {}, files: [{ name: 'bashrc', text: rc }] };
    }
    case 'zsh': {
      const painted = code ? `%{\\e[${code}m%}${label}%{\\e[0m%}` : label;
      const original = env['ZDOTDIR'] || env['HOME'] || '';
      const source = (file: string) =>
        `[ -f ${quoteSh(join(original, file))} ] && ZDOTDIR=${quoteSh(original)} . ${quoteSh(join(original, file))}`;
      return {
        args: [],
        env: { ZDOTDIR: dir },
        files: [
          { name: '.zshenv', text: `${source('.zshenv')}\n` },
          {
            name: '.zshrc',
            text: `${source('.zshrc')}\nZDOTDIR=${quoteSh(original)}\nPROMPT=$'${painted.replace(/'/g, '')} '"$PROMPT"\n`,
          },
        ],
      };
    }
    case 'fish': {
      const color =
        code && marker.color
          ? marker.color === 'gray'
            ? 'brblack'
            : marker.color === 'orange'
              ? 'yellow'
              : marker.color
          : undefined;
      const init = [
        'functions -q fish_prompt; and functions -c fish_prompt __crossbar_prompt',
        `function fish_prompt; ${color ? `set_color ${color}; ` : ''}echo -n ${quoteFish(`${label} `)}; ${color ? 'set_color normal; ' : ''}functions -q __crossbar_prompt; and __crossbar_prompt; end`,
      ].join('; ');
      return { args: ['--init-command', init], env: {}, files: [] };
    }
    case 'sh':
      return { args: [], env: { PS1: `${code ? `\u001b[${code}m${label}\u001b[0m` : label} $ ` }, files: [] };
  }
}
