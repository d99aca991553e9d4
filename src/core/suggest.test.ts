import { describe, expect, it } from 'vitest';
import { didYouMean, nearestNames, normalizeName } from './suggest.js';

describe('names as they are typed', () => {
  it('ignores case, dashes and underscores', () => {
    expect(normalizeName('describe-instances')).toBe(normalizeName('DescribeInstances'));
    expect(normalizeName('List_Objects_V2')).toBe('listobjectsv2');
  });

  it('suggests typos first, then names that contain the fragment', () => {
    const ops = [
      'DescribeInstances',
      'DescribeInstanceStatus',
      'DescribeInstanceTypes',
      'DescribeVpcs',
      'RunInstances',
    ];
    expect(nearestNames('DescribeInstance', ops)[0]).toBe('DescribeInstances');
    expect(nearestNames('describe-instanses', ops)).toContain('DescribeInstances');
    expect(nearestNames('instances', ops)).toEqual(expect.arrayContaining(['DescribeInstances', 'RunInstances']));
    expect(nearestNames('zzzzzz', ops)).toEqual([]);
    expect(nearestNames('', ops)).toEqual([]);
  });

  it('phrases one or several suggestions', () => {
    expect(didYouMean(['ec2'])).toBe("Did you mean 'ec2'?");
    expect(didYouMean(['a', 'b', 'c'])).toBe("Did you mean 'a', 'b' or 'c'?");
    expect(didYouMean([])).toBeUndefined();
  });
});
