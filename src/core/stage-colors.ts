/**
 * The colour of a stage, as seed 004 asks (dev green, staging yellow, prod red): a module of its own, with no
 * imports, because every table of accounts paints with it and the hop commands must start fast.
 */
const STAGE_COLORS: Record<string, string> = {
  dev: 'green',
  development: 'green',
  test: 'cyan',
  qa: 'cyan',
  staging: 'yellow',
  stage: 'yellow',
  prod: 'red',
  production: 'red',
};

export function colorForStage(stage: string | undefined): string {
  return (stage && STAGE_COLORS[stage.toLowerCase()]) || 'blue';
}
