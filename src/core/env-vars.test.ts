import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  childEnv,
  clearedVars,
  quoteFish,
  quotePowerShell,
  quoteSh,
  renderEnvExports,
  resolveShellKind,
  targetEnv,
} from './env-vars.js';

const vars = targetEnv({
  credentials: {
    accessKeyId: 'ASIAEXAMPLE',
    secretAccessKey: 'se/cr+et',
    sessionToken: "to'ken",
    expiration: new Date('2030-01-02T03:04:05Z'),
  },
  accountId: '444444444444',
  accountName: 'production',
  stage: 'prod',
  role: 'admin',
  region: 'eu-west-1',
  endpoint: 'http://127.0.0.1:4566',
});

describe('targetEnv', () => {
  it("sets the standard AWS variables and crossbar's own, in a stable order", () => {
    expect(vars).toEqual({
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'se/cr+et',
      AWS_SESSION_TOKEN: "to'ken",
      AWS_CREDENTIAL_EXPIRATION: '2030-01-02T03:04:05.000Z',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      CROSSBAR_ACCOUNT: 'production',
      CROSSBAR_ACCOUNT_ID: '444444444444',
      CROSSBAR_STAGE: 'prod',
      CROSSBAR_ROLE: 'admin',
    });
  });

  it('without an endpoint or stage, leaves them out and clears any left over', () => {
    const plain = targetEnv({
      credentials: { accessKeyId: 'A', secretAccessKey: 'S' },
      accountId: '1',
      accountName: 'a',
      role: 'r',
      region: 'us-east-1',
    });
    expect(Object.keys(plain)).not.toContain('AWS_ENDPOINT_URL');
    expect(clearedVars(plain)).toEqual([
      'AWS_PROFILE',
      'AWS_DEFAULT_PROFILE',
      'AWS_SESSION_TOKEN',
      'AWS_SECURITY_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_ENDPOINT_URL',
      'CROSSBAR_STAGE',
    ]);
  });
});

describe('childEnv', () => {
  it("keeps the parent's environment, drops profiles, and lets the target win", () => {
    const env = childEnv(
      {
        PATH: '/bin',
        AWS_PROFILE: 'x',
        AWS_DEFAULT_PROFILE: 'y',
        AWS_REGION: 'us-west-2',
        AWS_SECURITY_TOKEN: 'old',
        UNSET: undefined,
      },
      vars,
    );
    expect(env['PATH']).toBe('/bin');
    expect(env['AWS_REGION']).toBe('eu-west-1');
    expect(env).not.toHaveProperty('AWS_PROFILE');
    expect(env).not.toHaveProperty('AWS_DEFAULT_PROFILE');
    expect(env).not.toHaveProperty('AWS_SECURITY_TOKEN');
    expect(env).not.toHaveProperty('UNSET');
  });
});

describe('quoting', () => {
  const nasty = `a'b "c" $d \`e\` \\f\ng`;

  it('sh: single quotes, a quote closed, escaped and reopened; sh reads back the exact value', () => {
    expect(quoteSh("it's")).toBe(`'it'\\''s'`);
    expect(execFileSync('sh', ['-c', `printf %s ${quoteSh(nasty)}`]).toString()).toBe(nasty);
  });

  it('fish: backslash and quote escaped inside single quotes', () => {
    expect(quoteFish("it's \\ x")).toBe(`'it\\'s \\\\ x'`);
  });

  it('powershell: quotes doubled, typographic ones too', () => {
    expect(quotePowerShell("it's ‘x’")).toBe(`'it''s ‘‘x’’'`);
  });
});

describe('renderEnvExports', () => {
  it('sh, fish and powershell lines', () => {
    const small = { AWS_REGION: 'us-east-1', CROSSBAR_ACCOUNT: "o'neil" };
    expect(renderEnvExports(small, 'sh').split('\n').slice(1)).toEqual([
      "export AWS_REGION='us-east-1'",
      `export CROSSBAR_ACCOUNT='o'\\''neil'`,
      '',
    ]);
    expect(renderEnvExports(small, 'fish')).toContain("set -gx CROSSBAR_ACCOUNT 'o\\'neil'\n");
    expect(renderEnvExports(small, 'fish')).toContain('set -e AWS_PROFILE\n');
    expect(renderEnvExports(small, 'powershell')).toContain("$Env:CROSSBAR_ACCOUNT = 'o''neil'\n");
    expect(renderEnvExports(small, 'powershell')).toContain(
      'Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue\n',
    );
  });

  it('sh output evaluated by sh leaves exactly the variables set', () => {
    const out = execFileSync(
      'sh',
      [
        '-c',
        `${renderEnvExports(vars, 'sh')}\nprintf '%s|%s|%s' "$AWS_SESSION_TOKEN" "$CROSSBAR_ACCOUNT" "\${AWS_PROFILE-unset}"`,
      ],
      { env: { PATH: process.env['PATH'] ?? '', AWS_PROFILE: 'old' } },
    ).toString();
    expect(out).toBe("to'ken|production|unset");
  });
});

describe('resolveShellKind', () => {
  it('takes the flag, else the family of $SHELL, else sh', () => {
    expect(resolveShellKind('pwsh', {})).toBe('powershell');
    expect(resolveShellKind('zsh', {})).toBe('sh');
    expect(resolveShellKind('tcsh', {})).toBeUndefined();
    expect(resolveShellKind(undefined, { SHELL: '/opt/homebrew/bin/fish' })).toBe('fish');
    expect(resolveShellKind(undefined, { SHELL: '/bin/bash' })).toBe('sh');
    expect(resolveShellKind(undefined, {})).toBe('sh');
  });
});
