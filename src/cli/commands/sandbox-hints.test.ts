import { describe, expect, it } from 'vitest';
import { sandboxConfigPaths } from '../write-files.js';
import { awsCliHint, awsEnvPrefix } from './sandbox-hints.js';

describe('awsEnvPrefix', () => {
  it('shows paths inside the working folder relative, others absolute, and quotes what the shell would split', () => {
    expect(awsEnvPrefix(sandboxConfigPaths('/home/me/sandbox'), '/home/me')).toBe(
      'AWS_CONFIG_FILE=./sandbox/aws/config AWS_SHARED_CREDENTIALS_FILE=./sandbox/aws/credentials',
    );
    expect(awsEnvPrefix(sandboxConfigPaths('/tmp/x'), '/home/me')).toBe(
      'AWS_CONFIG_FILE=/tmp/x/aws/config AWS_SHARED_CREDENTIALS_FILE=/tmp/x/aws/credentials',
    );
    expect(awsEnvPrefix(sandboxConfigPaths('/tmp/my sandbox'))).toBe(
      "AWS_CONFIG_FILE='/tmp/my sandbox/aws/config' AWS_SHARED_CREDENTIALS_FILE='/tmp/my sandbox/aws/credentials'",
    );
  });
});

describe('awsCliHint', () => {
  it('without written profiles, says how to get them', () => {
    expect(awsCliHint({ endpoint: 'http://127.0.0.1:4566' }).join('\n')).toContain('--write-config ./sandbox');
  });

  it('with profiles, gives commands for alice, bob into the example account, and the MFA code', () => {
    const lines = awsCliHint({
      endpoint: 'http://127.0.0.1:4566',
      paths: sandboxConfigPaths('/w/sb'),
      cwd: '/w',
      exampleAccountId: '444444444444',
    });
    expect(lines.join('\n')).toContain('aws --profile alice sts get-caller-identity');
    expect(lines.join('\n')).toContain('--role-arn arn:aws:iam::444444444444:role/CrossbarReadOnly');
    expect(lines.at(-1)).toBe('  crossbar sandbox mfa-code alice --endpoint http://127.0.0.1:4566');
  });
});
