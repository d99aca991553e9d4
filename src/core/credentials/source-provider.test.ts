import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSourceProvider } from './source-provider.js';

function files(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-source-'));
  writeFileSync(
    join(dir, 'credentials'),
    '[team]\naws_access_key_id = AKIATEAM\naws_secret_access_key = team-secret\n',
  );
  writeFileSync(join(dir, 'config'), '');
  return { AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), AWS_CONFIG_FILE: join(dir, 'config') };
}

describe('resolveSourceProvider', () => {
  it('reads a named profile through the SDK, from the files the env names', async () => {
    const source = resolveSourceProvider({ profile: 'team', env: files() });
    expect(source.label).toBe('profile team');
    const creds = await source.provider();
    expect(creds.accessKeyId).toBe('AKIATEAM');
    expect(creds.secretAccessKey).toBe('team-secret');
    expect(JSON.stringify(creds)).not.toContain('team-secret');
  });

  it('a missing profile is CREDENTIALS_MISSING, naming it and saying what to do', async () => {
    const source = resolveSourceProvider({ profile: 'ghost', env: files() });
    await expect(source.provider()).rejects.toMatchObject({
      code: 'CREDENTIALS_MISSING',
      message: 'No credentials found for profile ghost',
      hint: expect.stringContaining('aws configure --profile ghost'),
    });
  });

  it('follows the SDK precedence: a profile (or AWS_PROFILE) before env keys', async () => {
    const env = { ...files(), AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };
    expect((await resolveSourceProvider({ env }).provider()).accessKeyId).toBe('AKIAENV');
    expect((await resolveSourceProvider({ env: { ...env, AWS_PROFILE: 'team' } }).provider()).accessKeyId).toBe(
      'AKIATEAM',
    );
    expect((await resolveSourceProvider({ profile: 'team', env }).provider()).accessKeyId).toBe('AKIATEAM');
    expect(resolveSourceProvider({ env }).cacheKey).not.toBe(resolveSourceProvider({ profile: 'team', env }).cacheKey);
  });

  it('expired env credentials are CREDENTIALS_EXPIRED', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'ASIAOLD',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_SESSION_TOKEN: 't',
      AWS_CREDENTIAL_EXPIRATION: '2024-01-01T00:00:00Z',
    };
    await expect(resolveSourceProvider({ env }).provider()).rejects.toMatchObject({ code: 'CREDENTIALS_EXPIRED' });
    const fresh = { ...env, AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 3_600_000).toISOString() };
    expect((await resolveSourceProvider({ env: fresh }).provider()).sessionToken).toBe('t');
  });
});
