import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.js';
import { loadConfigFile } from '../../src/core/config/load-config.js';
import { awsCliEnv, captureIo, runCli, waitFor, type CapturedCli } from './run-cli.js';

const run = promisify(execFile);

interface StartJson {
  endpoint: string;
  port: number;
  identityCenter?: { startUrl: string; region: string };
  organization: { id: string; managementAccountId: string; accounts: number };
  users: {
    userName: string;
    accountId: string;
    arn: string;
    accessKeyId: string;
    secretAccessKey: string;
    mfaSerial: string | null;
  }[];
}

/** Starts `crossbar sandbox start` in-process; resolves once it printed its first stdout line. */
async function startCli(
  args: string[],
  cwd?: string,
): Promise<{ cli: CapturedCli; exit: Promise<number>; firstLine: string }> {
  const cli = captureIo({}, cwd);
  const exit = main(['sandbox', 'start', '--port', '0', ...args], cli.io);
  const settled = exit.then((code) => {
    throw new Error(`exited early with ${code}: ${cli.stderr}`);
  });
  const firstLine = await Promise.race([
    waitFor(() => (cli.stdout.includes('\n') ? cli.stdout.split('\n')[0] : undefined)),
    settled,
  ]);
  return { cli, exit, firstLine };
}

async function aws(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = awsCliEnv({
    AWS_CONFIG_FILE: join(dir, 'aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'aws', 'credentials'),
  });
  try {
    const { stdout, stderr } = await run('aws', [...args, '--output', 'json'], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('crossbar sandbox start --json', () => {
  it('prints one JSON object with the endpoint and the users, serves until interrupted, then exits 0', async () => {
    const { cli, exit, firstLine } = await startCli(['--json']);
    const info = JSON.parse(firstLine) as StartJson;
    expect(info.endpoint).toBe(`http://127.0.0.1:${info.port}`);
    expect(info.port).toBeGreaterThan(0);
    expect(info.organization).toMatchObject({ id: 'o-sandbox0001', managementAccountId: '111111111111', accounts: 5 });
    expect(info.users.map((u) => [u.userName, u.accountId, u.arn, u.mfaSerial])).toEqual([
      ['alice', '111111111111', 'arn:aws:iam::111111111111:user/alice', 'arn:aws:iam::111111111111:mfa/alice'],
      ['bob', '111111111111', 'arn:aws:iam::111111111111:user/bob', null],
    ]);
    expect(info.users.every((u) => /^AKIA/.test(u.accessKeyId) && u.secretAccessKey.length >= 20)).toBe(true);

    const health = await fetch(`${info.endpoint}/_sandbox/health`);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      accounts: 5,
      identityCenter: {
        startUrl: expect.stringMatching(/^https:\/\/d-[0-9a-f]{10}\.awsapps\.com\/start$/),
        region: 'eu-west-1',
      },
    });
    expect(info.identityCenter).toEqual(
      ((await (await fetch(`${info.endpoint}/_sandbox/health`)).json()) as { identityCenter: unknown }).identityCenter,
    );

    cli.interrupt();
    expect(await exit).toBe(0);
    expect(cli.stderr).toContain('sandbox stopped');
    await expect(fetch(`${info.endpoint}/_sandbox/health`)).rejects.toThrow();
  });

  it('without --json prints a human summary with no secrets', async () => {
    const { cli, exit } = await startCli(['--org', 'generated:6', '--latency', '0', '--error-rate', '0']);
    await waitFor(() => (cli.stdout.includes('Ctrl-C') ? true : undefined));
    cli.interrupt();
    expect(await exit).toBe(0);
    expect(cli.stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(cli.stdout).toContain('7 accounts, management 111111111111');
    expect(cli.stdout).toContain('alice (MFA arn:aws:iam::111111111111:mfa/alice), bob');
    expect(cli.stdout).toMatch(
      /sso +https:\/\/d-[0-9a-f]{10}\.awsapps\.com\/start \(eu-west-1\): sign in as alice, bob/,
    );
    expect(cli.stdout).not.toMatch(/AKIA|secret/i);
  });
});

describe('crossbar sandbox start --write-config', () => {
  let dir: string;
  let cli: CapturedCli;
  let exit: Promise<number>;
  let endpoint: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crossbar-cli-'));
    const started = await startCli(['--json', '--write-config', 'sandbox', '--state', 'state.json'], dir);
    ({ cli, exit } = started);
    endpoint = (JSON.parse(started.firstLine) as StartJson).endpoint;
  });

  afterAll(async () => {
    cli.interrupt();
    await exit;
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes crossbar.yaml with the organization, accounts, roles, shortcuts and the endpoint', () => {
    const config = parse(readFileSync(join(dir, 'sandbox', 'crossbar.yaml'), 'utf8')) as Record<string, unknown> & {
      accounts: { id: string; external_id?: string }[];
      shortcuts: { name: string }[];
    };
    expect(config.organization).toEqual({ name: 'demo', namespace: 'demo' });
    expect(config.source).toEqual({ profile: 'alice', mfa_serial: 'arn:aws:iam::111111111111:mfa/alice' });
    expect(config.accounts.map((a) => a.id)).toEqual(['222222222222', '333333333333', '444444444444', '555555555555']);
    expect(config.accounts[3]?.external_id).toBe('acme-crossbar-7f3a9c');
    expect(config.shortcuts.map((s) => s.name)).toEqual(['/switch-to-prod', '/switch-to-staging', '/switch-to-dev']);
    expect(config.endpoint).toBe(endpoint);
    expect(loadConfigFile(join(dir, 'sandbox', 'crossbar.yaml')).accounts).toHaveLength(4);
  });

  it('writes the credentials 0600 and the profiles with endpoint_url', () => {
    expect(statSync(join(dir, 'sandbox', 'aws', 'credentials')).mode & 0o777).toBe(0o600);
    const awsConfig = readFileSync(join(dir, 'sandbox', 'aws', 'config'), 'utf8');
    expect(awsConfig).toContain(
      `[profile alice]\nregion = us-east-1\nendpoint_url = ${endpoint}\nmfa_serial = arn:aws:iam::111111111111:mfa/alice`,
    );
    expect(awsConfig).toContain('[profile bob]');
  });

  it('the real AWS CLI reaches the sandbox through the written profile: bob is bob', async () => {
    const out = await aws(join(dir, 'sandbox'), ['--profile', 'bob', 'sts', 'get-caller-identity']);
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toMatchObject({
      Account: '111111111111',
      Arn: 'arn:aws:iam::111111111111:user/bob',
    });
  });

  it('bob assumes CrossbarReadOnly in production with the AWS CLI', async () => {
    const out = await aws(join(dir, 'sandbox'), [
      '--profile',
      'bob',
      'sts',
      'assume-role',
      '--role-arn',
      'arn:aws:iam::444444444444:role/CrossbarReadOnly',
      '--role-session-name',
      'cli-test',
    ]);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      AssumedRoleUser: { Arn: 'arn:aws:sts::444444444444:assumed-role/CrossbarReadOnly/cli-test' },
    });
  });

  it("and is denied administrator in production, with AWS's message", async () => {
    const out = await aws(join(dir, 'sandbox'), [
      '--profile',
      'bob',
      'sts',
      'assume-role',
      '--role-arn',
      'arn:aws:iam::444444444444:role/administrator',
      '--role-session-name',
      'cli-test',
    ]);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('(AccessDenied)');
    expect(out.stderr).toContain(
      'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444444444444:role/administrator',
    );
  });

  it('saves the state file (0600) when stopped', async () => {
    cli.interrupt();
    expect(await exit).toBe(0);
    const state = join(dir, 'state.json');
    expect(existsSync(state)).toBe(true);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    expect(cli.stderr).toContain(`state saved to ${state}`);
  });
});

describe('crossbar sandbox start: bad flags', () => {
  let blocker: Server;
  let busyPort: number;

  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    busyPort = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => blocker.close(() => resolve())));

  it('a port in use is one line and exit 2', async () => {
    const out = await runCli(['sandbox', 'start', '--port', String(busyPort)]);
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(`crossbar: port ${busyPort} is in use: pass --port 0 or another port\n`);
    expect(out.stdout).toBe('');
  });

  it.each([
    [['--org', 'galaxy'], "crossbar: unknown organization 'galaxy'"],
    [['--latency', '-5'], "crossbar: --latency must be milliseconds, 0 or more (got '-5')"],
    [['--error-rate', '2'], "crossbar: --error-rate must be a probability from 0 to 1 (got '2')"],
    [['--port', 'http'], "crossbar: --port must be a port from 0 to 65535 (0 picks a free one) (got 'http')"],
    [['--frobnicate'], "crossbar: unknown option '--frobnicate'"],
  ])('%o exits 2 with one clear line and no stack trace', async (args, first) => {
    const out = await runCli(['sandbox', 'start', ...args]);
    expect(out.code).toBe(2);
    const lines = out.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(first);
    expect(lines.length).toBeLessThanOrEqual(2);
    if (lines[1]) expect(lines[1]).toMatch(/^hint: /);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('--debug adds the stack trace', async () => {
    const out = await runCli(['sandbox', 'start', '--org', 'galaxy', '--debug']);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(/\n\s+at /);
  });
});

describe('crossbar sandbox start --state', () => {
  it('refuses a state file that is not a sandbox state, with exit 2 and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossbar-state-'));
    const file = join(dir, 'state.json');
    writeFileSync(file, '{"hello": "world"}');
    const out = await runCli(['sandbox', 'start', '--port', '0', '--state', file]);
    rmSync(dir, { recursive: true, force: true });
    expect(out.code).toBe(2);
    expect(out.stderr).toBe(
      `crossbar: The sandbox state file ${file} is not a crossbar sandbox state (version 1); move it away or delete it to start fresh\n`,
    );
  });
});
