import { describe, expect, it } from 'vitest';
import { insertionDiff } from './demo-commands.js';

describe('insertionDiff', () => {
  const before = ['source: { profile: alice }', 'accounts:', '  - id: "1"', '    name: a', 'endpoint: x', ''].join(
    '\n',
  );

  it('shows each added run with +, after the key it sits under, … where lines are left out', () => {
    const after = [
      'source: { profile: alice }',
      'sources:',
      '  s: { sso: {} }',
      'accounts:',
      '  - id: "1"',
      '    name: a',
      '  - id: "2"',
      '    name: b',
      'endpoint: x',
      '',
    ].join('\n');
    expect(insertionDiff(before, after)).toBe(
      [
        '  source: { profile: alice }',
        '+ sources:',
        '+   s: { sso: {} }',
        '  accounts:',
        '  …',
        '+   - id: "2"',
        '+     name: b',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing was added', () => {
    expect(insertionDiff(before, before)).toBe('');
  });
});
