import { describe, expect, it } from 'vitest';
import { findIniProblems, validateAwsConfig } from './validate-aws-config.js';

/** Each case was checked against Python's configparser.RawConfigParser, which botocore uses. */
const ACCEPTED: Record<string, string> = {
  'comments and blank lines': '# c\n[default]\nregion = us-east-1\n\n; x\n[profile a]\nrole_arn=arn\n',
  'an indented comment': '[default]\n  # hi\nregion = x\n',
  'a nested s3 block': '[default]\ns3 =\n  addressing_style = path\n',
  'a continuation line': '[default]\nfoo = a\n  b\n',
  'a colon delimiter': '[default]\nregion: us-east-1\n',
  'CRLF line endings': '[default]\r\nregion = x\r\n',
  'indented keys after a header': '[default]\n  region = x\n  output = json\n',
  'a comment after a header': '[profile a] # c\nregion = x\n',
  'a continuation after a blank line': '[default]\nfoo = a\n\n  b = c\n',
  'no final newline': '[default]\nregion = x',
  'an empty file': '',
};

const REFUSED: Record<string, [string, number, RegExp]> = {
  'a bare word': ['[default]\njustaword\n', 2, /neither a \[section\], a key = value/],
  'a setting before any section': ['region = x\n[default]\n', 1, /before any \[section\]/],
  'a section twice': ['[default]\n[default]\n', 2, /section \[default\] appears twice/],
  'a setting twice, in any case': ['[default]\nregion = x\nRegion = y\n', 3, /'region' is set twice in \[default\]/],
  'an empty key': ['[default]\n= x\n', 2, /neither/],
  'a nested block without =': ['[default]\ns3 =\n  nonsense\n', 3, /nested value of 's3'/],
  'the __proto__ profile': ['[profile __proto__]\nregion = x\n', 1, /invalid section name/],
};

describe('findIniProblems', () => {
  for (const [name, text] of Object.entries(ACCEPTED)) {
    it(`accepts ${name}`, () => expect(findIniProblems(text)).toEqual([]));
  }
  for (const [name, [text, line, message]] of Object.entries(REFUSED)) {
    it(`refuses ${name} at line ${line}`, () => {
      const [first] = findIniProblems(text);
      expect(first?.line).toBe(line);
      expect(first?.message).toMatch(message);
    });
  }
});

describe('validateAwsConfig', () => {
  it('throws CONFIG_INVALID with path:line, a count of further problems, and no line content', () => {
    const text = '[default]\naws_secret_access_key wJalrXUtnFEMI\n[default]\n';
    expect(() => validateAwsConfig(text, '/home/me/.aws/config')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(
          /^\/home\/me\/\.aws\/config:2: cannot parse the AWS config file: .* \(and 1 more problem\)$/,
        ),
        hint: expect.stringMatching(/nothing was written/),
      }),
    );
    expect(() => validateAwsConfig(text, 'c')).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('wJalr') }),
    );
  });
});
