import { describe, expect, it } from 'vitest';
import { splitTargetAndCommand } from './exec.js';

describe('exec: was a target given before --?', () => {
  it.each([
    [['exec', '--', 'aws', 's3', 'ls'], 'aws', ['s3', 'ls'], undefined, ['aws', 's3', 'ls']],
    [['exec', 'prod', '--', 'aws', 's3', 'ls'], 'prod', ['aws', 's3', 'ls'], 'prod', ['aws', 's3', 'ls']],
    [['exec', '--yes', '--region', 'eu-west-1', '--', 'env'], 'env', [], undefined, ['env']],
    [['exec', 'prod', 'env'], 'prod', ['env'], 'prod', ['env']],
    [['exec', '--', 'sh', '-c', 'x', '--', 'y'], 'sh', ['-c', 'x', '--', 'y'], undefined, ['sh', '-c', 'x', '--', 'y']],
  ])('%j', (raw, target, rest, expectedTarget, expectedArgv) => {
    expect(splitTargetAndCommand(raw, target, rest)).toEqual({ target: expectedTarget, argv: expectedArgv });
  });
});
