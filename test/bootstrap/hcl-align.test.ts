import { describe, expect, it } from 'vitest';
import { alignAttributes } from '../../src/core/bootstrap/hcl-align.js';

/** The layout `terraform fmt` gives attributes (generated-clean.test.ts checks it against terraform itself). */
describe('alignAttributes', () => {
  it('lines up the = of a run of one-line attributes at one indent, and nothing else', () => {
    const lines = [
      'module "m" {',
      '  source = "./m"',
      '  providers          = { aws = aws.a }',
      '  create_administrator = true',
      '',
      '  x = 1',
      '  nested = {',
      '    a = 1',
      '    bbb = "="',
      '  }',
      '  # a comment ends a run',
      '  yy = 2',
      '}',
    ];
    expect(alignAttributes(lines)).toEqual([
      'module "m" {',
      '  source               = "./m"',
      '  providers            = { aws = aws.a }',
      '  create_administrator = true',
      '',
      '  x = 1',
      '  nested = {',
      '    a   = 1',
      '    bbb = "="',
      '  }',
      '  # a comment ends a run',
      '  yy = 2',
      '}',
    ]);
  });
});
