import { describe, expect, it } from 'vitest';
import { formatArn, isArn, parseArn } from './arn.js';
import { CrossbarError } from './errors.js';

describe('parseArn', () => {
  it('splits a role ARN with a path, keeping the resource whole and naming the last segment', () => {
    expect(parseArn('arn:aws:iam::123456789012:role/platform/ops/Admin')).toEqual({
      partition: 'aws',
      service: 'iam',
      region: '',
      accountId: '123456789012',
      resource: 'role/platform/ops/Admin',
      resourceType: 'role',
      resourceName: 'Admin',
    });
  });

  it('parses an assumed-role session ARN', () => {
    const arn = parseArn('arn:aws:sts::210987654321:assumed-role/Deployer/ci-run-42');
    expect(arn).toMatchObject({
      service: 'sts',
      accountId: '210987654321',
      resourceType: 'assumed-role',
      resourceName: 'ci-run-42',
    });
    expect(arn.resource).toBe('assumed-role/Deployer/ci-run-42');
  });

  it('splits on the first colon of a resource and keeps later colons in the resource', () => {
    const arn = parseArn('arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*');
    expect(arn.region).toBe('eu-west-1');
    expect(arn.resource).toBe('log-group:/aws/lambda/fn:*');
    expect(arn.resourceType).toBe('log-group');
    expect(arn.resourceName).toBe('fn:*');
  });

  it('gives a resource with no separator an empty type and itself as the name', () => {
    expect(parseArn('arn:aws:s3:::my-bucket')).toMatchObject({
      accountId: '',
      region: '',
      resourceType: '',
      resourceName: 'my-bucket',
    });
    expect(parseArn('arn:aws:iam::123456789012:root')).toMatchObject({ resourceType: '', resourceName: 'root' });
  });

  it('accepts other partitions and the aws account of managed policies', () => {
    expect(parseArn('arn:aws-us-gov:iam::123456789012:user/alice').partition).toBe('aws-us-gov');
    expect(parseArn('arn:aws-cn:ec2:cn-north-1:123456789012:instance/i-0abc').resourceName).toBe('i-0abc');
    expect(parseArn('arn:aws:iam::aws:policy/AdministratorAccess').accountId).toBe('aws');
  });

  it.each([
    ['', 'six colon-separated parts'],
    ['not-an-arn', 'six colon-separated parts'],
    ['arn:aws:iam::123456789012', 'six colon-separated parts'],
    ['urn:aws:iam::123456789012:role/x', 'must start with "arn:"'],
    ['arn:gcp:iam::123456789012:role/x', 'unknown partition'],
    ['arn:aws::us-east-1:123456789012:thing', 'invalid service'],
    ['arn:aws:iam::12345:role/x', 'invalid account id'],
    ['arn:aws:iam::123456789012:', 'resource part is empty'],
    ['arn:aws:iam::123456789012:role/has space', 'contains whitespace'],
  ])('rejects %j with INVALID_ARN (%s)', (input, why) => {
    let caught: unknown;
    try {
      parseArn(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CrossbarError);
    expect(caught).toMatchObject({
      code: 'INVALID_ARN',
      hint: expect.stringContaining('arn:aws:iam::123456789012:role/Name'),
    });
    expect(String(caught)).toContain(why);
    expect(String(caught)).toContain(JSON.stringify(input));
  });
});

describe('isArn', () => {
  it('is true for an ARN and false for anything else', () => {
    expect(isArn('arn:aws:iam::123456789012:user/alice')).toBe(true);
    expect(isArn('123456789012')).toBe(false);
    expect(isArn('arn:aws:iam::123456789012')).toBe(false);
  });
});

describe('formatArn', () => {
  it('round-trips what parseArn returns', () => {
    for (const arn of [
      'arn:aws:iam::123456789012:role/platform/Admin',
      'arn:aws:s3:::my-bucket/key/with/slashes',
      'arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/fn:*',
    ]) {
      expect(formatArn(parseArn(arn))).toBe(arn);
    }
  });

  it('defaults the partition to aws and region and account to empty', () => {
    expect(formatArn({ service: 'iam', accountId: '123456789012', resource: 'role/Admin' })).toBe(
      'arn:aws:iam::123456789012:role/Admin',
    );
    expect(formatArn({ service: 's3', resource: 'bucket' })).toBe('arn:aws:s3:::bucket');
  });

  it('refuses to build an ARN that parseArn would reject', () => {
    expect(() => formatArn({ service: 'iam', accountId: '42', resource: 'role/Admin' })).toThrow(/invalid account id/);
    expect(() => formatArn({ service: 'iam', accountId: '123456789012', resource: '' })).toThrow(CrossbarError);
  });
});
