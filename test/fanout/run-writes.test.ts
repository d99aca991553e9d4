import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSBAR, runProcess } from '../helpers/crossbar-bin.js';
import { clientConfig, DEVELOPMENT, readOnlySession } from '../helpers/sandbox-clients.js';
import { startWorld, type CliEnv, type World } from '../helpers/world.js';

/**
 * Issue 9 items 6 and 15: `crossbar run` is read-only by default. Whether an operation reads is decided from the
 * service model; a write needs --allow-writes, a confirmation showing the accounts and the operation (--yes
 * where nobody can answer), honours `confirm: true` roles and is recorded in CROSSBAR_HOME/guardrails.jsonl.
 * Global operations (IAM, S3's ListBuckets) are called once per account. The real CLI and the real SDK against
 * the sandbox; what IAM holds is checked with a real IAM ListUsers.
 */
let w: World;
let home: string;
beforeAll(async () => {
  w = await startWorld({ crossbarHome: 'shared', env: { NO_COLOR: '1' } });
  home = String(w.env()['CROSSBAR_HOME']);
});
afterAll(() => w.stop());

interface Line {
  name: string;
  region: string;
  calledIn?: string;
  status: string;
  value?: Record<string, unknown>;
}

function ndjson(text: string): Line[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

/** The users of development, as IAM lists them to its read-only role. */
async function developmentUsers(): Promise<string[]> {
  const iam = new IAMClient(clientConfig(w.sb, await readOnlySession(w.sb, DEVELOPMENT)));
  try {
    const out = await iam.send(new ListUsersCommand({}));
    return (out.Users ?? []).map((u) => u.UserName ?? '');
  } finally {
    iam.destroy();
  }
}

/** Every CloudTrail record the sandbox holds, in every account and region, oldest first per region. */
const trailEvents = () => Object.values(w.sb.world.accounts).flatMap((a) => Object.values(a.trail).flat());
/** Grows with any AWS call. */
const trailSize = () => trailEvents().length;

interface Recorded {
  event: string;
  label: string;
  accountId: string;
  operation?: string;
  parameters?: string[];
  region?: string;
  outcome?: string;
}

function recorded(): Recorded[] {
  const path = join(home, 'guardrails.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Recorded);
}

const createUser = (name: string, ...flags: string[]) => [
  'run',
  'development',
  '--role',
  'admin',
  '--regions',
  'us-east-1,eu-west-1',
  ...flags,
  '-o',
  'ndjson',
  '--',
  'iam',
  'CreateUser',
  JSON.stringify({ UserName: name }),
];

describe('run is read-only by default (item 6)', () => {
  it('iam CreateUser without --allow-writes is refused (exit 2) before any AWS call: the user is not created', async () => {
    const before = trailSize();
    const out = await w.cli(createUser('not-without-flag'));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('iam CreateUser may change things');
    expect(out.stderr).toContain('run is read-only: nothing was sent');
    expect(out.stderr).toContain('pass --allow-writes to send it');
    expect(out.stdout).toBe('');
    expect(trailSize()).toBe(before);
    expect(await developmentUsers()).not.toContain('not-without-flag');
  });

  it('the twin: with --allow-writes --yes it is sent once (IAM is global, whatever --regions says) and recorded', async () => {
    const out = await w.cli(createUser('created-by-run', '--allow-writes', '--yes', '--mfa-code', w.mfaCode()));
    expect(out.code, out.stderr).toBe(0);
    const lines = ndjson(out.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: 'development', region: 'global', calledIn: 'us-east-1', status: 'ok' });
    expect(out.stderr).toContain('iam CreateUser is global: one call per account; --regions does not apply');
    expect(await developmentUsers()).toContain('created-by-run');
    const writes = recorded().filter((e) => e.operation === 'iam CreateUser');
    expect(writes.map((e) => e.event)).toEqual(['write-confirmed', 'write']);
    expect(writes[1]).toMatchObject({
      label: 'development:admin',
      accountId: DEVELOPMENT,
      parameters: ['UserName'],
      region: 'us-east-1',
      outcome: 'ok',
    });
    // Private, and no secret nor any parameter's value in it.
    expect(statSync(join(home, 'guardrails.jsonl')).mode & 0o777).toBe(0o600);
    const text = readFileSync(join(home, 'guardrails.jsonl'), 'utf8');
    expect(text).not.toMatch(/ASIA|AKIA|SecretAccessKey|SessionToken|created-by-run/);
  });

  it('--allow-writes without --yes and without a terminal refuses (exit 2) saying to add --yes; nothing is sent', async () => {
    const before = new Set(trailEvents().map((e) => e.eventId));
    const out = await w.cli(createUser('not-without-yes', '--allow-writes', '--mfa-code', w.mfaCode()));
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      'run --allow-writes would send iam CreateUser (UserName) to 1 account and there is no terminal to confirm on: nothing was sent',
    );
    expect(out.stderr).toContain('add --yes to send it without asking');
    // The error names the parameters, never their values (one may be a password).
    expect(out.stderr).not.toContain('not-without-yes');
    // Only the source check (GetCallerIdentity) reached AWS: no role assumed, no IAM call.
    const calls = trailEvents()
      .filter((e) => !before.has(e.eventId))
      .map((e) => e.eventName);
    expect(calls.filter((n) => n !== 'GetCallerIdentity')).toEqual([]);
    expect(await developmentUsers()).not.toContain('not-without-yes');
    expect(recorded().at(-1)).toMatchObject({ event: 'write-refused', operation: 'iam CreateUser' });
  });

  it('on a terminal it shows the operation and the accounts and sends only after "yes"', async () => {
    const env: CliEnv = { ...w.env(), CROSSBAR_NO_TTY: undefined };
    const onTerminal = (name: string, input: string) => {
      const argv = [...CROSSBAR, ...createUser(name, '--allow-writes', '--mfa-code', w.mfaCode())];
      const line = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      return runProcess(['script', '-qec', line, '/dev/null'], env, { input, cwd: w.dir });
    };
    const no = await onTerminal('typed-no', 'no\n');
    expect(no.code).toBe(2);
    expect(no.stdout).toContain('run would send\r\n  iam CreateUser {"UserName":"typed-no"}');
    expect(no.stdout).toContain('development (222222222222, dev) as admin');
    expect(no.stdout).toContain("'no' is not 'yes': nothing was sent");
    expect(await developmentUsers()).not.toContain('typed-no');
    const yes = await onTerminal('typed-yes', 'yes\n');
    expect(yes.code, yes.stdout).toBe(0);
    expect(yes.stdout).toContain('to 1 account, once per account (global):');
    expect(await developmentUsers()).toContain('typed-yes');
  }, 60_000);

  it('honours confirm: true roles: a write as production admin without --yes or an unlock is refused up front', async () => {
    const before = trailSize();
    const out = await w.cli([
      'run',
      'production',
      '--role',
      'admin',
      '--allow-writes',
      '--',
      'iam',
      'CreateUser',
      '{"UserName":"prod-no"}',
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('run `crossbar unlock production:admin` first, pass --yes, or pick another --role');
    expect(trailSize()).toBe(before);
  });

  it('Describe* and List* operations need no flag, and nothing is recorded for them', async () => {
    const count = recorded().length;
    const describe = await w.cli(['run', 'development', '-o', 'ndjson', '--', 'ec2', 'DescribeVpcs']);
    expect(describe.code, describe.stderr).toBe(0);
    const list = await w.cli(['run', 'development', '-o', 'ndjson', '--', 's3', 'ListBuckets']);
    expect(list.code, list.stderr).toBe(0);
    expect(recorded()).toHaveLength(count);
  });
});

describe('global operations run once per account (items 6 and 15)', () => {
  it('iam ListUsers over 2 regions: one result per account, its region global (us-east-1)', async () => {
    const out = await w.cli([
      'run',
      'stage=dev,stage=prod',
      '--regions',
      'us-east-1,eu-west-1',
      '-o',
      'ndjson',
      '--',
      'iam',
      'ListUsers',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const lines = ndjson(out.stdout);
    expect(lines.map((l) => `${l.name}/${l.region}/${l.calledIn ?? ''}`).sort()).toEqual([
      'development/global/us-east-1',
      'production/global/us-east-1',
    ]);
    expect(out.stderr).toMatch(/coverage\nACCOUNT\s+global\ndevelopment\s+✓\nproduction\s+✓/);
  });

  it('the regional twin: ec2 DescribeVpcs over the same 2 regions gives one result per account and region', async () => {
    const out = await w.cli([
      'run',
      'stage=dev,stage=prod',
      '--regions',
      'us-east-1,eu-west-1',
      '-o',
      'ndjson',
      '--',
      'ec2',
      'DescribeVpcs',
    ]);
    expect(out.code, out.stderr).toBe(0);
    expect(
      ndjson(out.stdout)
        .map((l) => `${l.name}/${l.region}`)
        .sort(),
    ).toEqual(['development/eu-west-1', 'development/us-east-1', 'production/eu-west-1', 'production/us-east-1']);
  });

  it('s3 ListBuckets on stage=prod lists the buckets once, not once per region; the table says global (us-east-1)', async () => {
    const out = await w.cli(['run', 'stage=prod', '-o', 'table', '--', 's3', 'ListBuckets']);
    expect(out.code, out.stderr).toBe(0);
    const rows = out.stdout.split('\n').filter((l) => l.startsWith('444444444444'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/production\s+prod\s+global \(us-east-1\)\s+✓ ok\s+\d+ Buckets/);
    expect(out.stderr).toContain('once each (global: it answers for the whole account)');
  });
});
