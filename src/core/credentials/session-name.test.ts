import { describe, expect, it } from 'vitest';
import { identityFromArn, sanitizeSessionName } from './session-name.js';

describe('sanitizeSessionName', () => {
  it.each([
    ['alice', 'alice'],
    ['alice@example.com', 'alice@example.com'],
    ['Zoë Ångström', 'Zoe-Angstrom'],
    ['  bob  (ops) ', 'bob-ops'],
    ['x', 'x-crossbar'],
    ['', 'crossbar'],
    ['a'.repeat(80), 'a'.repeat(64)],
  ])('%j → %j', (input, expected) => {
    const out = sanitizeSessionName(input);
    expect(out).toBe(expected);
    expect(out).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});

describe('identityFromArn', () => {
  it.each([
    ['arn:aws:iam::111111111111:user/alice', 'alice'],
    ['arn:aws:iam::111111111111:user/people/ops/bob', 'bob'],
    ['arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_abc/carol@example.com', 'carol@example.com'],
    ['arn:aws:sts::111111111111:federated-user/dave', 'dave'],
    ['arn:aws:iam::111111111111:root', 'root'],
  ])('%s → %s', (arn, expected) => {
    expect(identityFromArn(arn)).toBe(expected);
  });
});
