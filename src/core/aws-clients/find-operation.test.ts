import { describe, expect, it } from 'vitest';
import { CrossbarError } from '../errors.js';
import { findOperation, operationNames } from './find-operation.js';
import { resolveService, SERVICES } from './services.js';

async function usage(p: Promise<unknown>): Promise<CrossbarError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CrossbarError) return err;
    throw err;
  }
  throw new Error('expected a CrossbarError');
}

describe('services and operations by any spelling', () => {
  it('finds the service by name or alias', () => {
    expect(resolveService('EC2').name).toBe('ec2');
    expect(resolveService('ce').name).toBe('cost-explorer');
    expect(resolveService('configservice').name).toBe('config');
    expect(resolveService('s3api').name).toBe('s3');
  });

  it('refuses an unknown service with the closest names (exit 2)', () => {
    let err: unknown;
    try {
      resolveService('ecc2');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CrossbarError);
    expect(err).toMatchObject({ code: 'USAGE', message: "Unknown service 'ecc2'" });
    expect((err as CrossbarError).hint).toMatch(/^Did you mean 'ec2'/);
  });

  it('finds an operation in CLI or API spelling, with its paginator when the package has one', async () => {
    const kebab = await findOperation('ec2', 'describe-instances');
    const pascal = await findOperation('EC2', 'DescribeInstances');
    expect(kebab.name).toBe('DescribeInstances');
    expect(pascal.name).toBe('DescribeInstances');
    expect(kebab.paginator).toBeTypeOf('function');
    expect((await findOperation('sts', 'get-caller-identity')).paginator).toBeUndefined();
    expect((await findOperation('s3', 'list-objects-v2')).name).toBe('ListObjectsV2');
  });

  it('refuses an unknown operation with the closest names', async () => {
    const err = await usage(findOperation('ec2', 'DescribeInstance'));
    expect(err).toMatchObject({ code: 'USAGE', message: "ec2 has no operation 'DescribeInstance'" });
    expect(err.hint).toBe("Did you mean 'DescribeInstances', 'DescribeInstanceTypes' or 'DescribeInstanceStatus'?");
  });

  it.each(SERVICES.map((s) => [s.name] as const))('loads the %s client package and its operations', async (name) => {
    const names = await operationNames(name);
    expect(names.length).toBeGreaterThan(5);
  });
});
