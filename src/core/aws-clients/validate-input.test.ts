import { describe, expect, it } from 'vitest';
import { CrossbarError } from '../errors.js';
import { findOperation } from './find-operation.js';
import { parseJsonInput, validateInput } from './validate-input.js';

function problem(fn: () => unknown): CrossbarError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CrossbarError) return err;
    throw err;
  }
  throw new Error('expected a CrossbarError');
}

describe("parameters checked against the SDK's own input schema", () => {
  it('accepts parameters that fit, converting dates as the AWS CLI does', async () => {
    const op = await findOperation('ec2', 'DescribeInstances');
    expect(
      validateInput(op, { MaxResults: 5, Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }),
    ).toEqual({ MaxResults: 5, Filters: [{ Name: 'instance-state-name', Values: ['running'] }] });
    const trail = await findOperation('cloudtrail', 'lookup-events');
    const input = validateInput(trail, { StartTime: '2024-01-31T00:00:00Z', EndTime: 1706745600 });
    expect(input['StartTime']).toEqual(new Date('2024-01-31T00:00:00Z'));
    expect(input['EndTime']).toEqual(new Date(1706745600 * 1000));
  });

  it('names every unknown parameter with the closest valid names, at any depth', async () => {
    const op = await findOperation('ec2', 'DescribeInstances');
    const err = problem(() => validateInput(op, { Filter: [], Filters: [{ Nme: 'x', Values: ['a'] }] }));
    expect(err).toMatchObject({ code: 'USAGE' });
    expect(err.message).toContain("Filter is not a parameter (Did you mean 'Filters'?)");
    expect(err.message).toContain("Filters[0].Nme is not a parameter of Filters[0] (Did you mean 'Name'?)");
    expect(err.hint).toContain('ec2 DescribeInstances takes InstanceIds');
  });

  it('refuses values of the wrong type and missing required parameters', async () => {
    const op = await findOperation('ec2', 'DescribeInstances');
    expect(problem(() => validateInput(op, { MaxResults: '5', InstanceIds: 'i-1' })).message).toMatch(
      /MaxResults must be a number, not string "5".*InstanceIds must be a list/,
    );
    const assume = await findOperation('sts', 'AssumeRole');
    expect(problem(() => validateInput(assume, { RoleArn: 'arn:aws:iam::1:role/x' })).message).toContain(
      "missing required 'RoleSessionName'",
    );
    const trail = await findOperation('cloudtrail', 'LookupEvents');
    expect(problem(() => validateInput(trail, { StartTime: 'yesterday' })).message).toContain(
      'StartTime must be a date',
    );
  });

  it('takes no parameters as {} and refuses what is not an object', async () => {
    const op = await findOperation('sts', 'GetCallerIdentity');
    expect(validateInput(op, parseJsonInput(undefined))).toEqual({});
    expect(problem(() => validateInput(op, [1])).message).toContain('must be a JSON object');
    expect(problem(() => validateInput(op, { Foo: 1 })).hint).toBe('sts GetCallerIdentity takes no parameters');
  });

  it('reports JSON that does not parse as a usage error', () => {
    expect(problem(() => parseJsonInput('{"MaxResults": }'))).toMatchObject({ code: 'USAGE' });
  });
});
