import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { ALICE_MFA, DEVELOPMENT, assume, keysOf } from '../helpers/sandbox-clients.js';
import { runCli } from './run-cli.js';

describe('crossbar sandbox mfa-code', () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startTestSandbox();
  });
  afterAll(() => sb.stop());

  it("prints a 6-digit code of alice's that STS accepts, never one handed out before (AWS takes each code once)", async () => {
    const before = sb.mfaCode('alice');
    const out = await runCli(['sandbox', 'mfa-code', 'alice', '--endpoint', sb.endpoint]);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toMatch(/^\d{6}\n$/);
    const code = out.stdout.trim();
    expect(code).not.toBe(before);
    const session = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', {
      SerialNumber: ALICE_MFA,
      TokenCode: code,
    });
    expect(session.accessKeyId).toMatch(/^ASIA/);
  });

  it('finds the sandbox through CROSSBAR_ENDPOINT and prints JSON with --output json', async () => {
    const out = await runCli(['--output', 'json', 'sandbox', 'mfa-code', 'alice'], { CROSSBAR_ENDPOINT: sb.endpoint });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ user: 'alice', code: expect.stringMatching(/^\d{6}$/) as unknown });
  });

  it('a user without an MFA device is a usage error (exit 2) naming the users that have one', async () => {
    const out = await runCli(['sandbox', 'mfa-code', 'bob', '--endpoint', sb.endpoint]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      "crossbar: the sandbox has no user 'bob' with an MFA device in 111111111111\nhint: users with an MFA device there: alice\n",
    );
    expect(out.stdout).toBe('');
  });

  it('an unknown user exits 2 too', async () => {
    const out = await runCli(['sandbox', 'mfa-code', 'mallory', '--endpoint', sb.endpoint]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("no user 'mallory'");
  });

  it('a dead endpoint is one line and exit 1', async () => {
    const dead = await startTestSandbox();
    await dead.stop();
    const out = await runCli(['sandbox', 'mfa-code', 'alice', '--endpoint', dead.endpoint]);
    expect(out.code).toBe(1);
    expect(out.stderr).toBe(
      `crossbar: no sandbox answers at ${dead.endpoint}: start one with \`crossbar sandbox start\`\n`,
    );
  });

  it('a missing user argument is a usage error', async () => {
    const out = await runCli(['sandbox', 'mfa-code']);
    expect(out.code).toBe(2);
    expect(out.stderr.split('\n')[0]).toBe("crossbar: missing required argument 'user'");
  });
});
