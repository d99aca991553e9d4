import { colorForStage } from '../../core/stage-colors.js';
import type { Colors } from '../context.js';

/**
 * Stage colours on a terminal, as the console switch-role menu shows them (seed 004): green for dev, yellow for
 * staging, red for prod. An explicit colour from the registry or the account's `color` tag wins; an account
 * with neither (the management account) stays plain.
 */
export function paintStage(colors: Colors, text: string, stage: string | undefined, color?: string): string {
  switch (color ?? (stage ? colorForStage(stage) : undefined)) {
    case 'green':
      return colors.green(text);
    case 'yellow':
    case 'orange':
      return colors.yellow(text);
    case 'red':
      return colors.red(text);
    case 'blue':
      return colors.blue(text);
    case 'purple':
    case 'magenta':
      return colors.magenta(text);
    case 'cyan':
      return colors.cyan(text);
    case 'gray':
      return colors.gray(text);
    default:
      return text;
  }
}
