import { describe, expect, it } from 'vitest';
import pc from 'picocolors';
import { paintStage } from './stage.js';

describe('paintStage', () => {
  const colors = pc.createColors(true);

  it('colours by stage: dev green, staging yellow, prod red', () => {
    expect(paintStage(colors, 'dev', 'dev')).toBe(colors.green('dev'));
    expect(paintStage(colors, 'staging', 'staging')).toBe(colors.yellow('staging'));
    expect(paintStage(colors, 'prod', 'prod')).toBe(colors.red('prod'));
  });

  it('lets an explicit colour win, and leaves accounts without a stage plain', () => {
    expect(paintStage(colors, 'acme', 'client', 'blue')).toBe(colors.blue('acme'));
    expect(paintStage(colors, 'management', undefined)).toBe('management');
    expect(paintStage(pc.createColors(false), 'prod', 'prod')).toBe('prod');
  });
});
