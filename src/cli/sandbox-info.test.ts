import { describe, expect, it } from 'vitest';
import { buildWorld } from '../sandbox/world/seed-orgs.js';
import { listUsers } from '../sandbox/server.js';
import { describeSandbox, externalIdOf } from './sandbox-info.js';

describe('describeSandbox', () => {
  const world = buildWorld({ kind: 'demo' }, Date.parse('2026-01-01T00:00:00Z'));
  const info = describeSandbox({ endpoint: 'http://127.0.0.1:1234', world, users: () => listUsers(world) }, 'demo');

  it('lists the member accounts with stage, colour, OU path and the client ExternalId', () => {
    expect(info.accounts.map((a) => [a.id, a.name, a.stage, a.color, a.ou, a.externalId])).toEqual([
      ['222222222222', 'development', 'dev', 'green', '/Workloads', undefined],
      ['333333333333', 'staging', 'staging', 'yellow', '/Workloads', undefined],
      ['444444444444', 'production', 'prod', 'red', '/Workloads', undefined],
      ['555555555555', 'client-acme', 'client', 'blue', '/Clients', 'acme-crossbar-7f3a9c'],
    ]);
  });

  it('takes alice, who has MFA, as the source, and both people with their keys', () => {
    expect(info.sourceUser).toBe('alice');
    expect(info.users.map((u) => [u.userName, u.mfaSerial])).toEqual([
      ['alice', 'arn:aws:iam::111111111111:mfa/alice'],
      ['bob', undefined],
    ]);
    expect(info.organization).toEqual({ name: 'demo', namespace: 'demo' });
  });

  it('names a generated organization after its spec', () => {
    const generated = buildWorld({ kind: 'generated', count: 4 }, Date.now());
    const g = describeSandbox(
      { endpoint: 'http://x', world: generated, users: () => listUsers(generated) },
      'generated:4',
    );
    expect(g.organization).toEqual({ name: 'generated-4', namespace: 'generated-4' });
    expect(g.accounts.map((a) => a.ou)).toEqual([
      '/Workloads/dev',
      '/Workloads/staging',
      '/Workloads/prod',
      '/Workloads/dev',
    ]);
  });
});

describe('externalIdOf', () => {
  it('reads sts:ExternalId from StringEquals, and nothing from other documents', () => {
    const doc = (condition: object) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: condition }],
      });
    expect(externalIdOf(doc({ StringEquals: { 'sts:ExternalId': 'abc' } }))).toBe('abc');
    expect(externalIdOf(doc({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } }))).toBeUndefined();
    expect(externalIdOf('not json')).toBeUndefined();
  });
});
