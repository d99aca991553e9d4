import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  evaluateIdentityPolicies,
  evaluateResourcePolicy,
  evaluateTrustPolicy,
  parsePolicyDocument,
  type Decision,
  type RequestPrincipal,
} from './index.js';

// Table-driven cases, one JSON file per topic, walked by one test (as iam-simulate does). Each scenario holds
// its policies and requests; every scenario needs at least one allowed and one denied request.
const CASES_DIR = new URL('./cases/', import.meta.url);

const principalSchema = z.object({
  arn: z.string(),
  accountId: z.string(),
  type: z.enum(['user', 'assumed-role', 'root', 'service', 'federated-user']),
  roleArn: z.string().optional(),
  service: z.string().optional(),
  provider: z.string().optional(),
});

const caseSchema = z.object({
  name: z.string(),
  action: z.string().optional(),
  resource: z.string().optional(),
  principal: principalSchema.optional(),
  context: z.record(z.string(), z.union([z.string(), z.array(z.string())])).default({}),
  expect: z.enum(['allow', 'explicit-deny', 'implicit-deny']),
  /** A substring of the reason. */
  reason: z.string().optional(),
  /** The Sid of the statement that decided. */
  sid: z.string().optional(),
});

const scenarioSchema = z.discriminatedUnion('kind', [
  z.object({
    description: z.string(),
    kind: z.literal('identity'),
    policies: z.array(z.unknown()).min(1),
    cases: z.array(caseSchema),
  }),
  z.object({
    description: z.string(),
    kind: z.enum(['trust', 'resource']),
    policy: z.unknown(),
    cases: z.array(caseSchema),
  }),
]);

type Scenario = z.infer<typeof scenarioSchema>;
type Case = z.infer<typeof caseSchema>;

function loadScenarios(): { file: string; scenarios: Scenario[] }[] {
  const files = readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => ({
    file,
    scenarios: z.array(scenarioSchema).parse(JSON.parse(readFileSync(new URL(file, CASES_DIR), 'utf8'))),
  }));
}

function run(scenario: Scenario, c: Case): Decision {
  if (scenario.kind === 'identity') {
    if (c.action === undefined || c.resource === undefined)
      throw new Error(`${c.name}: identity cases need action and resource`);
    const policies = scenario.policies.map((p) => parsePolicyDocument(toObject(p), { kind: 'identity' }));
    return evaluateIdentityPolicies(policies, { action: c.action, resource: c.resource, context: c.context });
  }
  if (c.principal === undefined) throw new Error(`${c.name}: ${scenario.kind} cases need a principal`);
  const principal: RequestPrincipal = c.principal;
  const policy = parsePolicyDocument(toObject(scenario.policy), { kind: scenario.kind });
  const action = c.action ?? 'sts:AssumeRole';
  if (scenario.kind === 'trust') return evaluateTrustPolicy(policy, { action, principal, context: c.context });
  return evaluateResourcePolicy(policy, { action, principal, resource: c.resource, context: c.context });
}

function toObject(value: unknown): object {
  if (typeof value !== 'object' || value === null) throw new Error('a policy in a case file must be an object');
  return value;
}

const loaded = loadScenarios();

describe('policy cases', () => {
  it('found the case files', () => {
    expect(loaded.length).toBeGreaterThanOrEqual(10);
  });

  for (const { file, scenarios } of loaded) {
    describe(file, () => {
      for (const scenario of scenarios) {
        describe(scenario.description, () => {
          it('has an allowed case and a denied twin', () => {
            expect(scenario.cases.some((c) => c.expect === 'allow')).toBe(true);
            expect(scenario.cases.some((c) => c.expect !== 'allow')).toBe(true);
          });

          for (const c of scenario.cases) {
            it(`${c.expect}: ${c.name}`, () => {
              const decision = run(scenario, c);
              expect(decision.decision).toBe(c.expect);
              if (c.reason !== undefined) expect(decision.reason).toContain(c.reason);
              if (c.sid !== undefined) expect(decision.statement?.Sid).toBe(c.sid);
              // An allow or explicit deny always names its statement; an implicit deny always explains itself.
              if (decision.decision === 'implicit-deny') expect(decision.reason).toMatch(/\S/);
              else expect(decision.statement.Effect).toBe(decision.decision === 'allow' ? 'Allow' : 'Deny');
            });
          }
        });
      }
    });
  }
});

const alice: RequestPrincipal = {
  arn: 'arn:aws:iam::222222222222:user/alice',
  accountId: '222222222222',
  type: 'user',
};

describe('evaluateIdentityPolicies', () => {
  it('denies implicitly when there are no policies at all', () => {
    expect(evaluateIdentityPolicies([], { action: 'sts:AssumeRole', resource: '*', context: {} })).toEqual({
      decision: 'implicit-deny',
      reason: 'no statement allows sts:AssumeRole',
    });
  });

  it('returns the first Allow statement that applies, across policies', () => {
    const first = parsePolicyDocument({
      Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:Get*', Resource: '*' }],
    });
    const second = parsePolicyDocument({ Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }] });
    const decision = evaluateIdentityPolicies([first, second], {
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: {},
    });
    expect(decision).toEqual({ decision: 'allow', statement: first.Statement[0] });
    expect(
      evaluateIdentityPolicies([first, second], { action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context: {} })
        .statement?.Sid,
    ).toBe('All');
  });

  it('finds a Deny that comes after the Allow', () => {
    const policy = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
      ],
    });
    const decision = evaluateIdentityPolicies([policy], { action: 'iam:DeleteRole', resource: '*', context: {} });
    expect(decision).toEqual({
      decision: 'explicit-deny',
      statement: policy.Statement[1],
      reason: 'explicitly denied by statement (no Sid)',
    });
  });

  it('explains by the nearest miss: a failed condition outranks an action no statement names', () => {
    const policy = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: '*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } },
        },
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::111111111111:role/Other' },
      ],
    });
    const decision = evaluateIdentityPolicies([policy], {
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::111111111111:role/Admin',
      context: {},
    });
    expect(decision.reason).toBe('condition aws:MultiFactorAuthPresent not satisfied (Bool, key absent from request)');
  });

  it('treats a context key whose value is undefined as absent', () => {
    const policy = parsePolicyDocument({
      Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Null: { 'sts:ExternalId': 'true' } } }],
    });
    expect(
      evaluateIdentityPolicies([policy], {
        action: 's3:GetObject',
        resource: '*',
        context: { 'sts:ExternalId': undefined },
      }).decision,
    ).toBe('allow');
    expect(
      evaluateIdentityPolicies([policy], { action: 's3:GetObject', resource: '*', context: { 'sts:ExternalId': 'x' } })
        .decision,
    ).toBe('implicit-deny');
  });

  it('evaluates a document exactly as IAM returns it, URL-encoded', () => {
    const encoded = encodeURIComponent(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::*:role/administrator' }],
      }),
    );
    const policy = parsePolicyDocument(encoded);
    expect(
      evaluateIdentityPolicies([policy], {
        action: 'sts:AssumeRole',
        resource: 'arn:aws:iam::111111111111:role/administrator',
        context: {},
      }).decision,
    ).toBe('allow');
    expect(
      evaluateIdentityPolicies([policy], {
        action: 'sts:AssumeRole',
        resource: 'arn:aws:iam::111111111111:role/reader',
        context: {},
      }).decision,
    ).toBe('implicit-deny');
  });
});

describe('evaluateTrustPolicy and evaluateResourcePolicy', () => {
  const mfaTrust = parsePolicyDocument(
    {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: '222222222222' },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    },
    { kind: 'trust' },
  );

  it('allows with MFA and names the deciding statement', () => {
    const decision = evaluateTrustPolicy(mfaTrust, {
      action: 'sts:AssumeRole',
      principal: alice,
      context: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    expect(decision).toEqual({ decision: 'allow', statement: mfaTrust.Statement[0] });
  });

  it('gives a reason the CLI can show when MFA is missing', () => {
    const decision = evaluateTrustPolicy(mfaTrust, { action: 'sts:AssumeRole', principal: alice, context: {} });
    expect(decision).toEqual({
      decision: 'implicit-deny',
      reason: 'condition aws:MultiFactorAuthPresent not satisfied (Bool, key absent from request)',
    });
  });

  it('names the principal when no statement names the caller', () => {
    const mallory: RequestPrincipal = {
      arn: 'arn:aws:iam::333333333333:user/mallory',
      accountId: '333333333333',
      type: 'user',
    };
    const decision = evaluateTrustPolicy(mfaTrust, {
      action: 'sts:AssumeRole',
      principal: mallory,
      context: { 'aws:MultiFactorAuthPresent': 'true' },
    });
    expect(decision.reason).toBe(
      'no statement allows sts:AssumeRole for principal arn:aws:iam::333333333333:user/mallory',
    );
  });

  it('never applies a resource-policy statement that names no principal', () => {
    const policy = parsePolicyDocument({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const request = { action: 's3:GetObject', principal: alice, resource: 'arn:aws:s3:::b/k', context: {} };
    expect(evaluateResourcePolicy(policy, request).decision).toBe('implicit-deny');
    const named = parsePolicyDocument({
      Statement: [{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 's3:GetObject', Resource: '*' }],
    });
    expect(evaluateResourcePolicy(named, request).decision).toBe('allow');
  });

  it('matches a role principal only through the session roleArn, not the session name', () => {
    const policy = parsePolicyDocument({
      Statement: [
        { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:role/Deployer' }, Action: 'sts:AssumeRole' },
      ],
    });
    const session: RequestPrincipal = {
      arn: 'arn:aws:sts::222222222222:assumed-role/Deployer/s',
      accountId: '222222222222',
      type: 'assumed-role',
    };
    expect(evaluateTrustPolicy(policy, { action: 'sts:AssumeRole', principal: session, context: {} }).decision).toBe(
      'implicit-deny',
    );
    const withRole = { ...session, roleArn: 'arn:aws:iam::222222222222:role/Deployer' };
    expect(evaluateTrustPolicy(policy, { action: 'sts:AssumeRole', principal: withRole, context: {} }).decision).toBe(
      'allow',
    );
  });
});
