import { describe, expect, it } from 'vitest';
import { CrossbarError } from '../errors.js';
import { parsePolicyDocument, type ParsePolicyOptions } from './policy-document.js';

function rejection(input: string | object, options?: ParsePolicyOptions): CrossbarError {
  try {
    parsePolicyDocument(input, options);
  } catch (error) {
    if (error instanceof CrossbarError) return error;
    throw error;
  }
  throw new Error('expected parsePolicyDocument to throw');
}

describe('parsePolicyDocument', () => {
  it('normalizes single values to lists and stringifies condition values', () => {
    const doc = parsePolicyDocument({
      Version: '2012-10-17',
      Statement: {
        Sid: 'Trust',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::222222222222:root', Service: ['ec2.amazonaws.com'] },
        Action: 'sts:AssumeRole',
        Condition: {
          Bool: { 'aws:MultiFactorAuthPresent': true },
          NumericLessThan: { 'aws:MultiFactorAuthAge': [3600, '7200'] },
        },
      },
    });
    expect(doc).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'Trust',
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::222222222222:root'], Service: ['ec2.amazonaws.com'] },
          Action: ['sts:AssumeRole'],
          Condition: {
            Bool: { 'aws:MultiFactorAuthPresent': ['true'] },
            NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600', '7200'] },
          },
        },
      ],
    });
  });

  it('keeps "*" principals, NotAction, NotResource and NotPrincipal', () => {
    const doc = parsePolicyDocument({
      Statement: [
        { Effect: 'Deny', NotAction: 'iam:*', NotResource: ['arn:aws:s3:::a'], NotPrincipal: { AWS: '111111111111' } },
        { Effect: 'Allow', Action: '*', Resource: '*', Principal: '*' },
      ],
    });
    expect(doc.Statement[0]).toEqual({
      Effect: 'Deny',
      NotAction: ['iam:*'],
      NotResource: ['arn:aws:s3:::a'],
      NotPrincipal: { AWS: ['111111111111'] },
    });
    expect(doc.Statement[1]?.Principal).toBe('*');
  });

  it('parses JSON text, and URL-encoded JSON as IAM returns it', () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::a b/*' }],
    };
    const expected = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::a b/*'] }],
    };
    expect(parsePolicyDocument(JSON.stringify(policy))).toEqual(expected);
    expect(parsePolicyDocument(encodeURIComponent(JSON.stringify(policy)))).toEqual(expected);
    expect(parsePolicyDocument(`  ${encodeURIComponent(JSON.stringify(policy)).replace('%7B', '%7b')}`)).toEqual(
      expected,
    );
  });

  it.each([
    ['not JSON', '{"Statement": [', 'Syntax errors in policy.'],
    ['broken URL encoding', '%7B%E0%A4%A', 'Syntax errors in policy.'],
    ['a JSON array', '[]', 'Syntax errors in policy.'],
    ['no Statement', { Version: '2012-10-17' }, 'Syntax errors in policy.'],
    ['an empty Statement list', { Statement: [] }, 'Syntax errors in policy.'],
    [
      'an unknown Version',
      { Version: '2020-01-01', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      'Syntax errors in policy.',
    ],
    [
      'an unknown field',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Actions: 's3:*' }] },
      'Syntax errors in policy.',
    ],
    ['a statement that is a string', { Statement: ['Allow everything'] }, 'Syntax errors in policy.'],
    ['no Effect', { Statement: [{ Action: '*', Resource: '*' }] }, 'Missing required field Effect'],
    ['Effect Permit', { Statement: [{ Effect: 'Permit', Action: '*', Resource: '*' }] }, 'Invalid effect: Permit'],
    ['lower-case effect', { Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] }, 'Invalid effect: allow'],
    ['no Action', { Statement: [{ Effect: 'Allow', Resource: '*' }] }, 'Policy statement must contain actions.'],
    [
      'an empty Action list',
      { Statement: [{ Effect: 'Allow', Action: [], Resource: '*' }] },
      'Policy statement must contain actions.',
    ],
    [
      'Action and NotAction',
      { Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'iam:*', Resource: '*' }] },
      'Syntax errors in policy.',
    ],
    [
      'an action without a vendor',
      { Statement: [{ Effect: 'Allow', Action: 'GetObject', Resource: '*' }] },
      'Actions/Conditions must be prefaced by a vendor',
    ],
    ['a numeric Action', { Statement: [{ Effect: 'Allow', Action: 42, Resource: '*' }] }, 'Syntax errors in policy.'],
    [
      'Resource and NotResource',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', NotResource: '*' }] },
      'Syntax errors in policy.',
    ],
    [
      'an unknown principal type',
      { Statement: [{ Effect: 'Allow', Action: '*', Principal: { User: 'alice' } }] },
      'Invalid principal in policy',
    ],
    [
      'a principal string other than *',
      { Statement: [{ Effect: 'Allow', Action: '*', Principal: '123456789012' }] },
      'Invalid principal in policy',
    ],
    [
      'an empty principal',
      { Statement: [{ Effect: 'Allow', Action: '*', Principal: {} }] },
      'Invalid principal in policy',
    ],
    [
      'a condition that is a list',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: [] }] },
      'Syntax errors in policy.',
    ],
    [
      'a condition value that is an object',
      {
        Statement: [
          { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:x': { a: 1 } } } },
        ],
      },
      'Syntax errors in policy.',
    ],
    [
      'a condition value that is null',
      { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Null: { 'aws:x': null } } }] },
      'Syntax errors in policy.',
    ],
    [
      'duplicate Sids',
      {
        Statement: [
          { Sid: 'A', Effect: 'Allow', Action: '*', Resource: '*' },
          { Sid: 'A', Effect: 'Deny', Action: '*', Resource: '*' },
        ],
      },
      'Statement IDs (SID) in a single policy must be unique.',
    ],
  ])('rejects %s with INVALID_POLICY', (_what, input, message) => {
    const error = rejection(input);
    expect(error.code).toBe('INVALID_POLICY');
    expect(error.message).toContain(message);
    expect(error.hint).toMatch(/\S/);
  });

  it('keeps the JSON error as the cause', () => {
    expect(rejection('{oops').cause).toBeInstanceOf(SyntaxError);
  });

  describe('with a kind, applies the rules IAM has for that kind of policy', () => {
    const allow = { Effect: 'Allow', Action: 'sts:AssumeRole' };

    it('identity: no principal, resources required', () => {
      expect(
        parsePolicyDocument({ Statement: [{ ...allow, Resource: '*' }] }, { kind: 'identity' }).Statement,
      ).toHaveLength(1);
      expect(
        rejection({ Statement: [{ ...allow, Resource: '*', Principal: '*' }] }, { kind: 'identity' }).message,
      ).toBe('Policy document should not specify a principal.');
      expect(rejection({ Statement: [allow] }, { kind: 'identity' }).message).toBe(
        'Policy statement must contain resources.',
      );
    });

    it('trust: principal required, no resource', () => {
      expect(
        parsePolicyDocument({ Statement: [{ ...allow, Principal: { AWS: '111111111111' } }] }, { kind: 'trust' })
          .Statement,
      ).toHaveLength(1);
      expect(rejection({ Statement: [allow] }, { kind: 'trust' }).message).toBe('Missing required field Principal');
      expect(rejection({ Statement: [{ ...allow, Principal: '*', Resource: '*' }] }, { kind: 'trust' }).message).toBe(
        'Has prohibited field Resource',
      );
    });

    it('resource: principal and resources required', () => {
      expect(
        parsePolicyDocument(
          { Statement: [{ ...allow, Principal: '*', NotResource: 'arn:aws:s3:::x' }] },
          { kind: 'resource' },
        ).Statement,
      ).toHaveLength(1);
      expect(rejection({ Statement: [{ ...allow, Resource: '*' }] }, { kind: 'resource' }).message).toBe(
        'Missing required field Principal',
      );
      expect(rejection({ Statement: [{ ...allow, Principal: '*' }] }, { kind: 'resource' }).message).toBe(
        'Policy statement must contain resources.',
      );
    });

    it('without a kind, accepts either shape', () => {
      expect(parsePolicyDocument({ Statement: [allow] }).Statement[0]).toEqual({
        Effect: 'Allow',
        Action: ['sts:AssumeRole'],
      });
    });
  });
});
