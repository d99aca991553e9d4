import { describe, expect, it } from 'vitest';
import { MAX_STORED_VALUE_BYTES, redactOutput, storedValue } from './redact-output.js';

describe('redactOutput', () => {
  it('replaces credentials, password data, user data and Lambda environment values, keeping the rest', () => {
    const out = redactOutput({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'wJalrXUt', SessionToken: 'FQoG', Expiration: 'x' },
      Functions: [{ FunctionName: 'f', Environment: { Variables: { DB_PASSWORD: 'hunter2', MODE: 'prod' } } }],
      PasswordData: 'base64==',
      InstanceId: 'i-1',
    });
    expect(out).toEqual({
      Credentials: { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: '***', SessionToken: '***', Expiration: 'x' },
      Functions: [{ FunctionName: 'f', Environment: { Variables: { DB_PASSWORD: '***', MODE: '***' } } }],
      PasswordData: '***',
      InstanceId: 'i-1',
    });
    expect(JSON.stringify(out)).not.toMatch(/wJalrXUt|FQoG|hunter2/);
  });

  it('leaves answers without secrets as they are (denied twin)', () => {
    const answer = { Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'running' } }] }] };
    expect(redactOutput(answer)).toEqual(answer);
  });

  it('stores a value past the limit as a marker with its size', () => {
    const big = { Items: 'x'.repeat(MAX_STORED_VALUE_BYTES) };
    expect(JSON.parse(storedValue(big) ?? '')).toEqual({ truncated: true, bytes: MAX_STORED_VALUE_BYTES + 12 });
    expect(storedValue({ a: 1 })).toBe('{"a":1}');
    expect(storedValue(undefined)).toBeNull();
  });
});
