import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { captureIo, waitFor } from '../cli/run-cli.js';
import { startWorld, type World } from '../helpers/world.js';

/**
 * `crossbar run` end to end, in-process, against the sandbox and the config `sandbox start --write-config`
 * writes: four member accounts, each with us-east-1 and eu-west-1.
 */
let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w.stop();
});
beforeEach(() => {
  w.sb.faults.set({});
});

interface Line {
  account: string;
  name: string;
  stage: string;
  region: string;
  status: string;
  value?: Record<string, unknown>;
  error?: { code: string; message: string; awsCode?: string; reason?: string };
}

function ndjson(text: string): Line[] {
  return text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
}

describe('crossbar run', () => {
  it('prints a table with account, name, stage, region and status, then the coverage grid; exit 1 when a target failed', async () => {
    const r = await w.cli([
      'run',
      'all',
      '--regions',
      'us-east-1,eu-south-1',
      '-o',
      'table',
      '--',
      'ec2',
      'describe-instances',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/ACCOUNT\s+NAME\s+STAGE\s+REGION\s+STATUS\s+RESULT/);
    expect(r.stdout).toMatch(
      /222222222222\s+development\s+dev\s+eu-south-1\s+✗ REGION_DISABLED\s+The region is not enabled in this account \[AuthFailure\]/,
    );
    expect(r.stdout).toMatch(/444444444444\s+production\s+prod\s+eu-south-1\s+✓ ok\s+2 Reservations \(2 Instances\)/);
    expect(r.stdout).toMatch(/coverage\nACCOUNT\s+eu-south-1\s+us-east-1\ndevelopment\s+✗ REGION_DISABLED\s+✓/);
    expect(r.stderr).toContain('5 ok, 3 failed (REGION_DISABLED ×3)');
  });

  it('-o json is one object with the results, the coverage grid and the summary; exit 0 when all are ok', async () => {
    const r = await w.cli(['run', 'all', '-o', 'json', '--', 'sts', 'get-caller-identity']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      run: Record<string, unknown>;
      results: Line[];
      coverage: { regions: string[]; rows: { name: string }[] };
      summary: { ok: number; text: string };
    };
    expect(report.run).toMatchObject({ service: 'sts', operation: 'GetCallerIdentity', paginate: true });
    expect(report.results).toHaveLength(8);
    for (const line of report.results)
      expect(line.value?.['Arn']).toBe(`arn:aws:sts::${line.account}:assumed-role/CrossbarReadOnly/alice`);
    expect(report.coverage.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.coverage.rows.map((row) => row.name)).toEqual([
      'development',
      'staging',
      'production',
      'client-acme',
    ]);
    expect(report.summary).toMatchObject({ ok: 8, text: '8 ok, 0 failed' });
  });

  it('-o ndjson streams one line per target, -o csv one row per target after the header', async () => {
    const nd = await w.cli(['run', 'stage=prod,stage=dev', '-o', 'ndjson', '--', 's3', 'list-buckets']);
    expect(nd.code).toBe(0);
    const lines = ndjson(nd.stdout);
    // ListBuckets answers for the whole account: once per account, not once per region (issue 9 item 15).
    expect(lines.map((l) => `${l.name}/${l.region}`).sort()).toEqual(['development/global', 'production/global']);
    expect(lines.every((l) => l.status === 'ok' && Array.isArray(l.value?.['Buckets']))).toBe(true);
    expect(nd.stderr).toContain('coverage');
    const csv = await w.cli(['run', 'production', '-o', 'csv', '--', 'ec2', 'DescribeVpcs']);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('account,name,stage,region,role,status,code,aws_code,message,ms,summary,value');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^444444444444,production,prod,(us-east-1|eu-west-1),CrossbarReadOnly,ok,,,,\d+,\d+ Vpcs,/);
  });

  it('--no-paginate sends one request per target', async () => {
    const paged = await w.cli([
      'run',
      'development',
      '--regions',
      'us-east-1',
      '-o',
      'json',
      '--',
      'iam',
      'list-roles',
      '{"MaxItems": 1}',
    ]);
    const single = await w.cli([
      'run',
      'development',
      '--regions',
      'us-east-1',
      '--no-paginate',
      '-o',
      'json',
      '--',
      'iam',
      'list-roles',
      '{"MaxItems": 1}',
    ]);
    const roles = (out: string) =>
      ((JSON.parse(out) as { results: Line[] }).results[0]?.value?.['Roles'] as unknown[]).length;
    expect(roles(paged.stdout)).toBeGreaterThan(1);
    expect(roles(single.stdout)).toBe(1);
  });

  it('a bucket-level operation follows the bucket to its region (S3 answers 301 PermanentRedirect elsewhere)', async () => {
    // development-assets lives in eu-west-1; the target's region is us-east-1.
    const r = await w.cli([
      'run',
      'development',
      '--regions',
      'us-east-1',
      '-o',
      'json',
      '--',
      's3',
      'get-bucket-tagging',
      '{"Bucket": "development-assets-222222222222"}',
    ]);
    expect(r.stderr).not.toContain('PermanentRedirect');
    expect(r.code).toBe(0);
    const results = (JSON.parse(r.stdout) as { results: Line[] }).results;
    expect(results.map((x) => [x.region, x.status, x.value?.['TagSet']])).toEqual([
      ['us-east-1', 'ok', [{ Key: 'stage', Value: 'dev' }]],
    ]);
  });

  it('its twin: a bucket nobody owns is still NoSuchBucket, whatever the region', async () => {
    const r = await w.cli([
      'run',
      'development',
      '--regions',
      'us-east-1',
      '-o',
      'ndjson',
      '--',
      's3',
      'get-bucket-tagging',
      '{"Bucket": "no-such-bucket-anywhere"}',
    ]);
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout)[0]?.error?.awsCode).toBe('NoSuchBucket');
  });

  it('--regions all runs every region each account has enabled', async () => {
    const r = await w.cli([
      'run',
      'development,production',
      '--regions',
      'all',
      '-o',
      'ndjson',
      '--',
      'ec2',
      'describe-instances',
    ]);
    expect(r.code).toBe(0);
    const lines = ndjson(r.stdout);
    const regions = (name: string) => lines.filter((l) => l.name === name).map((l) => l.region);
    expect(regions('production')).toContain('eu-south-1');
    expect(regions('development')).not.toContain('eu-south-1');
    expect(regions('production')).toHaveLength(regions('development').length + 1);
  });

  it('an account that cannot be reached is reported DENIED with the reason, and the others still run', async () => {
    const config = w.variant('acme-without-external-id', (yaml) => yaml.replace(/^\s*external_id: .*\n/m, ''));
    const r = await w.cli(
      ['run', 'all', '--regions', 'us-east-1', '-o', 'ndjson', '--', 'sts', 'get-caller-identity'],
      { CROSSBAR_CONFIG: config },
    );
    expect(r.code).toBe(1);
    const lines = ndjson(r.stdout);
    expect(lines).toHaveLength(4);
    const acme = lines.find((l) => l.name === 'client-acme');
    expect(acme).toMatchObject({
      status: 'DENIED',
      error: { code: 'DENIED', reason: 'ExternalId', awsCode: 'AccessDenied' },
    });
    expect(lines.filter((l) => l.status === 'ok')).toHaveLength(3);
    expect(r.stderr).toContain('3 ok, 1 failed (DENIED ×1)');
  });

  it('a role missing from an account is DENIED for that account only', async () => {
    const r = await w.cli([
      'run',
      'all',
      '--role',
      'NoSuchRole',
      '--regions',
      'us-east-1',
      '-o',
      'ndjson',
      '--',
      'sts',
      'get-caller-identity',
    ]);
    expect(r.code).toBe(1);
    const lines = ndjson(r.stdout);
    expect(lines).toHaveLength(4);
    expect(
      lines.every(
        (l) => l.status === 'DENIED' && l.error?.message.includes(`arn:aws:iam::${l.account}:role/NoSuchRole`),
      ),
    ).toBe(true);
  });

  it.each([['nowhere-1'], ['us-east-1,Mars']])(
    '--regions %s cannot be a region name: exit 2 before any role is assumed (a well-formed one is asked per target)',
    async (regions) => {
      const r = await w.cli(['run', 'all', '--regions', regions, '-o', 'ndjson', '--', 'ec2', 'describe-instances']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/crossbar: The region '(nowhere-1|Mars)' does not exist/);
      expect(r.stderr).toContain('hint: region names look like us-east-1');
    },
  );

  it('a region that does not exist is INVALID for its targets; the rest run', async () => {
    const r = await w.cli([
      'run',
      'development',
      '--regions',
      'us-east-1,eu-wst-1',
      '-o',
      'ndjson',
      '--',
      'ec2',
      'describe-instances',
    ]);
    expect(r.code).toBe(1);
    const lines = ndjson(r.stdout);
    expect(lines.find((l) => l.region === 'us-east-1')?.status).toBe('ok');
    expect(lines.find((l) => l.region === 'eu-wst-1')).toMatchObject({
      status: 'INVALID',
      error: { message: "The region 'eu-wst-1' does not exist (did you mean 'eu-west-1' or 'eu-west-2'?)" },
    });
  });

  it.each([
    [
      ['all', '--', 'ec2', 'DescribeInstance'],
      "ec2 has no operation 'DescribeInstance'",
      "Did you mean 'DescribeInstances'",
    ],
    [['all', '--', 'ecc2', 'describe-instances'], "Unknown service 'ecc2'", "Did you mean 'ec2'"],
    [
      ['all', '--', 'ec2', 'describe-instances', '{"Filter": []}'],
      'Filter is not a parameter',
      "Did you mean 'Filters'",
    ],
    [
      ['all', '--', 'ec2', 'describe-instances', '{"MaxResults": "5"}'],
      'MaxResults must be a number',
      'DescribeInstances takes',
    ],
    [['all', '--', 'ec2', 'describe-instances', '{nope'], 'not valid JSON', 'Quote them'],
    [
      ['nothing-matches', '--', 'ec2', 'describe-instances'],
      "No account matches 'nothing-matches'",
      'crossbar accounts list',
    ],
    [['all', '--regions', ',', '--', 'ec2', 'describe-instances'], '--regions is empty', 'us-east-1'],
    [['all'], 'run needs SERVICE OPERATION', 'crossbar run all --'],
  ])('bad input %j exits 2 before any call, with a clear message', async (argv, message, hint) => {
    const r = await w.cli(['run', ...argv]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain(hint);
  });

  it('--exec runs the command per target with its credentials and collects stdout, stderr and exit codes', async () => {
    const script =
      'echo "$CROSSBAR_ACCOUNT $AWS_REGION $AWS_ACCESS_KEY_ID $AWS_ENDPOINT_URL"; echo warn >&2; [ "$CROSSBAR_ACCOUNT" = staging ] && exit 4; exit 0';
    const r = await w.cli([
      'run',
      'development,staging',
      '--regions',
      'us-east-1',
      '--exec',
      '-o',
      'json',
      '--',
      'sh',
      '-c',
      script,
    ]);
    expect(r.code).toBe(1);
    const results = (JSON.parse(r.stdout) as { results: Line[] }).results;
    const dev = results.find((l) => l.name === 'development');
    const staging = results.find((l) => l.name === 'staging');
    expect(dev).toMatchObject({ status: 'ok', value: { exitCode: 0, stderr: 'warn\n' } });
    expect(String(dev?.value?.['stdout'])).toMatch(
      new RegExp(`^development us-east-1 ASIA[A-Z0-9]+ ${w.sb.endpoint}\\n$`),
    );
    expect(staging).toMatchObject({
      status: 'ERROR',
      error: { message: 'sh exited with 4: warn' },
      value: { exitCode: 4 },
    });
    expect(String(staging?.value?.['stdout'])).toMatch(/^staging us-east-1 ASIA/);
  });

  it.each(['', ' ', ','])(
    'an empty selector %j is a usage error: --exec runs nowhere (the twin: all runs everywhere)',
    async (selector) => {
      const marker = join(w.dir, `ran-${Buffer.from(selector).toString('hex') || 'empty'}`);
      const r = await w.cli(['run', selector, '--exec', '--', 'sh', '-c', `echo "$CROSSBAR_ACCOUNT" >> ${marker}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('is empty: it names no account');
      expect(r.stderr).toContain('pass all for every account');
      expect(existsSync(marker)).toBe(false);
      const twin = await w.cli([
        'run',
        'all',
        '--regions',
        'us-east-1',
        '--exec',
        '--',
        'sh',
        '-c',
        `echo "$CROSSBAR_ACCOUNT" >> ${marker}`,
      ]);
      expect(twin.code).toBe(0);
      expect(readFileSync(marker, 'utf8').trim().split('\n').sort()).toEqual([
        'client-acme',
        'development',
        'production',
        'staging',
      ]);
      rmSync(marker);
    },
  );

  it('accounts check with an empty selector is a usage error too', async () => {
    const r = await w.cli(['accounts', 'check', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is empty: it names no account');
  });

  it('--exec with a command that does not exist fails each target with 127', async () => {
    const r = await w.cli([
      'run',
      'development',
      '--regions',
      'us-east-1',
      '--exec',
      '-o',
      'ndjson',
      '--',
      'crossbar-no-such-command-x',
    ]);
    expect(r.code).toBe(1);
    expect(ndjson(r.stdout)[0]).toMatchObject({
      status: 'ERROR',
      error: { message: 'crossbar-no-such-command-x: command not found' },
      value: { exitCode: 127 },
    });
  });

  it('Ctrl-C stops new work, prints what finished, reports the rest INTERRUPTED and exits 130', async () => {
    w.sb.faults.set({ rules: [{ service: 'ec2', latencyMs: 300 }] });
    const cli = captureIo(w.env());
    const started = Date.now();
    const running = main(
      ['run', 'all', '--concurrency', '1', '-o', 'ndjson', '--', 'ec2', 'describe-instances'],
      cli.io,
    );
    await waitFor(() => (cli.stdout.includes('"status":"ok"') ? true : undefined), 15_000);
    cli.interrupt();
    const code = await running;
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(8 * 300 + 2_000);
    const lines = ndjson(cli.stdout);
    expect(lines).toHaveLength(8);
    expect(lines[0]?.status).toBe('ok');
    expect(lines.filter((l) => l.status === 'INTERRUPTED').length).toBeGreaterThanOrEqual(6);
    expect(cli.stderr).toContain('interrupted: unfinished targets are reported INTERRUPTED');
  });

  it('the progress bar never counts a target both done and in flight (issue 9 item 15)', async () => {
    // Latency with jitter spreads the results out, so the bar is drawn many times while targets are in flight.
    w.sb.faults.set({ latencyMs: 120, jitterMs: 100 });
    const tty = captureIo(w.env());
    tty.io.stderr.isTTY = true;
    const args = ['run', 'all', '--regions', 'us-east-1,eu-west-1,eu-central-1', '-o', 'json'];
    expect(await main([...args, '--', 'ec2', 'describe-vpcs'], tty.io)).toBe(0);
    const frames = [...tty.stderr.matchAll(/(\d+)\/(\d+) done · (\d+) failed · (\d+) in flight/g)].map((m) => ({
      done: Number(m[1]),
      total: Number(m[2]),
      inFlight: Number(m[4]),
    }));
    expect(frames.length).toBeGreaterThan(0);
    for (const f of frames) expect(f.done + f.inFlight, JSON.stringify(f)).toBeLessThanOrEqual(f.total);
    // The twin: the counter still counts, targets in flight are shown while they run (12 targets, 8 per account).
    expect(frames.every((f) => f.total === 12)).toBe(true);
    expect(frames.some((f) => f.inFlight > 0 && f.done > 0)).toBe(true);
  });

  it('draws a progress bar on a terminal and erases it; none when stderr is not a terminal', async () => {
    const tty = captureIo(w.env());
    tty.io.stderr.isTTY = true;
    expect(await main(['run', 'all', '-o', 'json', '--', 'sts', 'get-caller-identity'], tty.io)).toBe(0);
    const ERASE = '\r\u001b[2K';
    const bar = tty.stderr.split(ERASE).filter(Boolean);
    expect(bar.some((frame) => /^[█░]+ \d+\/8 done · 0 failed · \d+ in flight · ETA/.test(frame))).toBe(true);
    // The bar is erased before the summary is printed.
    expect(bar.at(-1)).toMatch(/^✓ 8 ok, 0 failed\n$/);
    const piped = captureIo(w.env());
    expect(await main(['run', 'all', '-o', 'json', '--', 'sts', 'get-caller-identity'], piped.io)).toBe(0);
    expect(piped.stderr).not.toContain('\u001b[2K');
    expect(piped.stderr).not.toContain('in flight');
  });
});
