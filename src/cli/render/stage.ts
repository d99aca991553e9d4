import type { Colors } from '../context.js';

/**
 * Stage colours as the console switch-role menu shows them (seed 004): green for dev, yellow for staging,
 * red for prod. An explicit colour from the registry or the account's `color` tag wins.
 */
const BY_STAGE: Record<string, string> = { dev: 'green', development: 'green', test: 'green', staging: 'yellow', stage: 'yellow', prod: 'red', production: 'red' };

export function stageColorName(stage: string | undefined, color?: string): string | undefined {
  return color ?? (stage ? BY_STAGE[stage.toLowerCase()] : undefined);
}

export function paintStage(colors: Colors, text: string, stage: string | undefined, color?: string): string {
  switch (stageColorName(stage, color)) {
    case 'green':
      return colors.green(text);
    case 'yellow':
      return colors.yellow(text);
    case 'red':
      return colors.red(text);
    case 'blue':
      return colors.blue(text);
    case 'magenta':
    case 'purple':
      return colors.magenta(text);
    case 'cyan':
      return colors.cyan(text);
    default:
      return text;
  }
}
