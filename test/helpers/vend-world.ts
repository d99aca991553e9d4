import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import type { Crossbar } from '../../src/core/crossbar.js';
import { totpCode } from '../../src/core/team/index.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { listen, type ServerDeps } from '../../src/server/index.js';
import { ApiClient, startTeamWorld, type TeamWorld } from './team-server.js';
import type { World } from './world.js';

/**
 * Fixtures of the vending tests: a team server over a sandbox world's crossbar root (alice's keys as the server's
 * source, her MFA device for roles that need AWS MFA), members' own TOTP, the real `aws` CLI and CloudTrail.
 */
export async function startVendWorld(
  sandbox: World,
  crossbar: Crossbar,
  dbUrl: string | undefined,
  extra: Partial<ServerDeps> = {},
): Promise<TeamWorld> {
  return startTeamWorld({
    dbUrl,
    crossbar,
    extend: (deps) => ({
      ...deps,
      env: sandbox.awsEnv,
      sourceMfaCode: () => Promise.resolve(sandbox.mfaCode()),
      ...extra,
    }),
  });
}

/** The world's app on a real socket (the trail then sees the caller's address), and a client factory for it. */
export async function serveWorld(world: TeamWorld): Promise<{ client(): ApiClient; close(): Promise<void> }> {
  const server = await listen(world.app, { port: 0 });
  return {
    client: () => new ApiClient((input, init) => fetch(input.replace('http://127.0.0.1', server.url), init)),
    close: () => server.close(1000),
  };
}

/** Every AssumeRole the sandbox answered, granted or denied, in every account: "was AWS called at all". */
export function assumeRoleCalls(sb: Sandbox): number {
  return Object.values(sb.world.accounts).reduce(
    (n, account) => n + (account.trail['us-east-1'] ?? []).filter((e) => e.eventName === 'AssumeRole').length,
    0,
  );
}

/** Enrols the member's own TOTP (start and confirm) and returns the secret. */
export async function enrolTotp(world: TeamWorld, client: ApiClient): Promise<string> {
  const started = await client.post<{ secret: string }>('/api/me/totp');
  if (started.status !== 201) throw new Error(`enrol: ${started.status} ${JSON.stringify(started.body)}`);
  const confirmed = await client.post('/api/me/totp/confirm', { code: nextCode(world, started.body.secret) });
  if (confirmed.status !== 200) throw new Error(`confirm: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return started.body.secret;
}

/** The code of the next 30-second step (each code is good once): moves the server's clock on. */
export function nextCode(world: TeamWorld, secret: string): string {
  world.clock.advance(30_000);
  return totpCode(secret, world.clock.now);
}

export interface VendedBody {
  credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
  account: string;
  account_id: string;
  role: string;
  expires_at: string;
}

const run = promisify(execFile);

/** The real `aws` CLI with vended credentials in its environment and nothing else of ours. */
export async function awsCli(sb: Sandbox, vended: VendedBody, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run('aws', ['--endpoint-url', sb.endpoint, '--output', 'json', ...args], {
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      AWS_ACCESS_KEY_ID: vended.credentials.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: vended.credentials.SecretAccessKey,
      AWS_SESSION_TOKEN: vended.credentials.SessionToken,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** CloudTrail events of one name in the account the credentials act in (LookupEvents, as `audit trail` reads). */
export async function cloudTrailEvents(
  sb: Sandbox,
  vended: VendedBody,
  eventName: string,
): Promise<Record<string, unknown>[]> {
  const client = new CloudTrailClient({
    endpoint: sb.endpoint,
    region: 'us-east-1',
    maxAttempts: 1,
    credentials: {
      accessKeyId: vended.credentials.AccessKeyId,
      secretAccessKey: vended.credentials.SecretAccessKey,
      sessionToken: vended.credentials.SessionToken,
    },
  });
  try {
    const out = await client.send(
      new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: eventName }] }),
    );
    return (out.Events ?? []).map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>);
  } finally {
    client.destroy();
  }
}
