import { isUsageError } from '../errors.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { describe, expect, it } from 'vitest';
import { CrossbarError } from '../errors.js';
import { parseAwsConfig } from './parse-aws-config.js';

const busy = readFileSync(new URL('../../../test/init/fixtures/busy-aws-config.ini', import.meta.url), 'utf8');

function errorOf(fn: () => unknown): CrossbarError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CrossbarError) return err;
    throw err;
  }
  throw new Error('expected a CrossbarError');
}

describe('parseAwsConfig', () => {
  it('reads the same profiles and values as the SDK does from the same file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossbar-ini-'));
    try {
      const file = join(dir, 'config');
      writeFileSync(file, busy);
      const sdk = await loadSharedConfigFiles({ configFilepath: file, filepath: join(dir, 'none'), ignoreCache: true });
      // The SDK keys sso-session and services sections as `kind.name`, and drops sections of no known kind.
      const ours = Object.fromEntries(
        parseAwsConfig(busy, file)
          .filter((s) => s.kind !== 'other')
          .map((s) => [s.kind === 'profile' || s.kind === 'default' ? s.name : `${s.kind}.${s.name}`, s.values]),
      );
      expect(ours).toEqual(sdk.configFile);
      expect(Object.keys(ours)).toContain('acme-prod-admin');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps section kinds, header lines and sub-sections, with CRLF line ends', () => {
    const text =
      '[default]\r\nregion = us-east-1\r\n[services s]\r\ns3 =\r\n  endpoint_url = http://x\r\nafter = 1\r\n[sso-session corp]\r\nsso_region = eu-west-1\r\n[oops]\r\nk = v\r\n';
    expect(parseAwsConfig(text, 'config')).toEqual([
      { kind: 'default', name: 'default', line: 1, values: { region: 'us-east-1' } },
      { kind: 'services', name: 's', line: 3, values: { 's3.endpoint_url': 'http://x', after: '1' } },
      { kind: 'sso-session', name: 'corp', line: 7, values: { sso_region: 'eu-west-1' } },
      { kind: 'other', name: 'oops', line: 9, values: { k: 'v' } },
    ]);
  });

  it('treats # and ; as comments only at the start or after whitespace', () => {
    const [section] = parseAwsConfig('[profile a]\nurl = https://x/#frag ; note\nb = c;d\n', 'config');
    expect(section?.values).toEqual({ url: 'https://x/#frag', b: 'c;d' });
  });

  it('refuses what the AWS CLI cannot read, every line at once as path:line, where the SDK would drop them silently', () => {
    const text = 'orphan = 1\n[profile a]\nno equals here\n[profile a]\n[profile b\n';
    const err = errorOf(() => parseAwsConfig(text, '/home/me/.aws/config'));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(isUsageError(err)).toBe(true);
    // The wording is that of the shared AWS config check (src/core/aws-config); the lines are what matter here.
    expect(err.message.split('\n').map((l) => l.split(': ')[0])).toEqual(
      [1, 3, 4, 5].map((n) => `/home/me/.aws/config:${n}`),
    );
    expect(err.message).toContain('[profile a] appears twice');
    expect(err.hint).toContain('these 4 lines of /home/me/.aws/config');
  });

  it("reads configparser's key: value lines, which the AWS CLI accepts", () => {
    expect(
      parseAwsConfig('[profile a]\nrole_arn: arn:aws:iam::222222222222:role/x\nregion = eu-west-1\n', 'config')[0]
        ?.values,
    ).toEqual({ role_arn: 'arn:aws:iam::222222222222:role/x', region: 'eu-west-1' });
  });

  it('accepts an empty file and a file of comments only', () => {
    expect(parseAwsConfig('', 'config')).toEqual([]);
    expect(parseAwsConfig('# nothing\n; here\n\n', 'config')).toEqual([]);
  });
});
