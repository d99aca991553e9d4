import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { externalDataInterceptor } from '@smithy/shared-ini-file-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callOperation,
  ClientPool,
  clientConfig,
  createAwsClient,
  createSdkClient,
  findOperation,
  resolveService,
} from '../../src/core/aws-clients/index.js';
import { probeCallerPolicy, stsClientFor } from '../../src/core/credentials/index.js';
import { createOrganizationsClient } from '../../src/core/init/index.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { DEVELOPMENT, readOnlySession } from '../helpers/sandbox-clients.js';

/**
 * The one client factory: the endpoint configured is the one called (iam-collect's pool once dropped it), by
 * every client crossbar makes (the credential engine's STS, the caller-policy probe's IAM, init's Organizations),
 * S3 goes path-style there, pagination follows every page through the SDK's own paginators, and what the SDK
 * looks up in the environment and ini files is looked up once per service, not once per client.
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const IDENTITY =
  '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/probe</Arn><UserId>AIDAPROBE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>';
const BUCKETS =
  '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>my-bucket</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>';
const creds = { accessKeyId: 'AKIAPROBEPROBEPROBE1', secretAccessKey: 'probe-secret' };

let recorder: Server;
let endpoint: string;
const seen: Seen[] = [];
let sb: Sandbox;

beforeAll(async () => {
  recorder = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      // JSON protocols (Organizations) name the operation in a header; query protocols (STS, IAM) answer XML.
      const json = req.headers['x-amz-target'] !== undefined;
      const body = json ? '{}' : req.url?.startsWith('/my-bucket') ? BUCKETS : IDENTITY;
      const type = json ? 'application/x-amz-json-1.1' : 'text/xml';
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', () => resolve()));
  const address = recorder.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  sb = await startTestSandbox();
});
afterAll(async () => {
  await new Promise((resolve) => recorder.close(resolve));
  await sb.stop();
});

describe('the client factory', () => {
  it('calls the endpoint it was given, signed for the region it was given', async () => {
    seen.length = 0;
    const sts = await createAwsClient('sts', { region: 'eu-west-1', credentials: creds, endpoint, maxAttempts: 1 });
    const out = await callOperation(sts, await findOperation('sts', 'GetCallerIdentity'), {});
    expect(out).toEqual({ Arn: 'arn:aws:iam::123456789012:user/probe', UserId: 'AIDAPROBE', Account: '123456789012' });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.host).toBe(new URL(endpoint).host);
    expect(seen[0]?.headers.authorization).toMatch(
      /Credential=AKIAPROBEPROBEPROBE1\/\d{8}\/eu-west-1\/sts\/aws4_request/,
    );
    sts.destroy();
  });

  it('pooled clients keep the endpoint too, and are reused per service, account and region', async () => {
    seen.length = 0;
    const pool = new ClientPool({ endpoint, maxAttempts: 1 });
    const a = await pool.get({ service: 'sts', accountKey: 'acct-1', region: 'us-east-1', credentials: creds });
    const again = await pool.get({ service: 'sts', accountKey: 'acct-1', region: 'us-east-1', credentials: creds });
    const other = await pool.get({ service: 'sts', accountKey: 'acct-1', region: 'us-west-2', credentials: creds });
    expect(again).toBe(a);
    expect(other).not.toBe(a);
    const op = await findOperation('sts', 'GetCallerIdentity');
    await callOperation(a, op, {});
    await callOperation(other, op, {});
    expect(seen.map((s) => s.headers.host)).toEqual([new URL(endpoint).host, new URL(endpoint).host]);
    expect(pool.size).toBe(2);
    // A finished target's clients are forgotten; the other region's stay, and the pool still answers afterwards.
    pool.release('acct-1', 'us-east-1');
    expect(pool.size).toBe(1);
    expect(await pool.get({ service: 'sts', accountKey: 'acct-1', region: 'us-west-2', credentials: creds })).toBe(
      other,
    );
    const fresh = await pool.get({ service: 'sts', accountKey: 'acct-1', region: 'us-east-1', credentials: creds });
    expect(fresh).not.toBe(a);
    await callOperation(fresh, op, {});
    expect(seen).toHaveLength(3);
    await pool.destroy();
  });

  it('S3 goes path-style on a custom endpoint (no bucket subdomain)', async () => {
    seen.length = 0;
    const s3 = await createAwsClient('s3', { region: 'us-east-1', credentials: creds, endpoint, maxAttempts: 1 });
    await callOperation(s3, await findOperation('s3', 'ListObjectsV2'), { Bucket: 'my-bucket' });
    expect(seen[0]?.url).toMatch(/^\/my-bucket\/?\?list-type=2/);
    expect(seen[0]?.headers.host).toBe(new URL(endpoint).host);
    s3.destroy();
  });

  it("without an endpoint nothing points a client elsewhere (its twin: AWS's own endpoints)", () => {
    const config = clientConfig(resolveService('s3'), { region: 'us-east-1', credentials: creds });
    expect(config).not.toHaveProperty('endpoint');
    expect(config).not.toHaveProperty('forcePathStyle');
    expect(config).toMatchObject({ region: 'us-east-1', retryMode: 'adaptive', followRegionRedirects: true });
  });
});

describe('the clients that import their SDK package themselves still come from the factory', () => {
  const host = () => new URL(endpoint).host;

  it("the credential engine's STS client calls the endpoint configured, signed for the source's region", async () => {
    seen.length = 0;
    const sts = stsClientFor(creds, { region: 'eu-west-1', endpoint });
    const out = await sts.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe('123456789012');
    expect(seen.map((s) => s.headers.host)).toEqual([host()]);
    expect(seen[0]?.headers.authorization).toMatch(/\/eu-west-1\/sts\/aws4_request/);
    sts.destroy();
  });

  it("the caller-policy probe's IAM client calls the endpoint configured", async () => {
    seen.length = 0;
    const verdict = await probeCallerPolicy({
      credentials: creds,
      sourceArn: 'arn:aws:iam::123456789012:user/probe',
      roleArn: 'arn:aws:iam::210987654321:role/Admin',
      mfaPresent: false,
      region: 'us-east-1',
      endpoint,
    });
    // The recorder's answer is no IAM answer: the probe reads nothing it can use, which is its "unknown".
    expect(verdict).toBe('unknown');
    expect(seen.map((s) => s.headers.host)).toEqual([host()]);
    expect(seen[0]?.body).toContain('Action=GetAccountAuthorizationDetails');
    expect(seen[0]?.headers.authorization).toMatch(/\/us-east-1\/iam\/aws4_request/);
  });

  it("init's Organizations client calls the endpoint configured", async () => {
    seen.length = 0;
    const organizations = createOrganizationsClient({ credentials: creds, endpoint, maxAttempts: 1 });
    await organizations.send(new DescribeOrganizationCommand({}));
    expect(seen.map((s) => s.headers.host)).toEqual([host()]);
    expect(seen[0]?.headers['x-amz-target']).toBe('AWSOrganizationsV20161128.DescribeOrganization');
    expect(seen[0]?.headers.authorization).toMatch(/\/us-east-1\/organizations\/aws4_request/);
    organizations.destroy();
  });
});

describe('settings the SDK looks up in the environment and the ini files', () => {
  let dir: string;
  let saved: Record<string, string | undefined>;
  const VARS = ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE'] as const;

  /** A fresh config file (so the factory has resolved nothing for it yet) whose every read is counted. */
  function countedConfig(text: string): { reads: () => number } {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}`);
    writeFileSync(file, text);
    process.env['AWS_CONFIG_FILE'] = file;
    let reads = 0;
    // The SDK's own hook for file contents (externalDataInterceptor): every lookup in the config file reads it.
    Object.defineProperty(externalDataInterceptor.getFileRecord(), file, {
      configurable: true,
      get() {
        reads += 1;
        return Promise.resolve(text);
      },
    });
    return { reads: () => reads };
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'crossbar-settings-'));
    saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(dir, 'no-credentials');
    process.env['AWS_PROFILE'] = 'probe';
  });
  afterAll(() => {
    for (const v of VARS) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('are read for the first client of a service, not again for the next fifty', async () => {
    const config = countedConfig('[profile probe]\nregion = eu-west-1\n');
    const op = await findOperation('sts', 'GetCallerIdentity');
    const first = await createAwsClient('sts', { region: 'us-east-1', credentials: creds, endpoint, maxAttempts: 1 });
    await callOperation(first, op, {});
    const afterFirst = config.reads();
    expect(afterFirst).toBeGreaterThan(0);
    for (let i = 0; i < 25; i += 1) {
      const pooled = await createAwsClient('sts', {
        region: 'eu-west-1',
        credentials: creds,
        endpoint,
        maxAttempts: 1,
      });
      await callOperation(pooled, op, {});
      const typed = createSdkClient(STSClient, 'sts', { region: 'eu-west-1', credentials: creds, endpoint });
      await typed.send(new GetCallerIdentityCommand({}));
    }
    expect(config.reads()).toBe(afterFirst);
  });

  it('an endpoint configured for the service in the ini file is found once and used by every client', async () => {
    const config = countedConfig(
      `[profile probe]\nservices = local\n\n[services local]\nsts =\n  endpoint_url = ${endpoint}\n`,
    );
    seen.length = 0;
    const op = await findOperation('sts', 'GetCallerIdentity');
    await callOperation(await createAwsClient('sts', { region: 'us-east-1', credentials: creds }), op, {});
    const afterFirst = config.reads();
    for (let i = 0; i < 10; i += 1)
      await callOperation(await createAwsClient('sts', { region: 'us-west-2', credentials: creds }), op, {});
    expect(seen).toHaveLength(11);
    expect(new Set(seen.map((s) => s.headers.host))).toEqual(new Set([new URL(endpoint).host]));
    expect(config.reads()).toBe(afterFirst);
    // An endpoint given to the factory still wins over the one configured.
    const elsewhere = await createAwsClient('sts', {
      region: 'us-east-1',
      credentials: creds,
      endpoint: 'http://127.0.0.1:9',
      maxAttempts: 1,
      connectionTimeoutMs: 500,
    });
    await expect(callOperation(elsewhere, op, {})).rejects.toThrow();
    expect(seen).toHaveLength(11);
  });
});

describe('pagination', () => {
  it('follows every page and merges them; --no-paginate sends one request', async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    const iam = await createAwsClient('iam', { region: 'us-east-1', credentials: dev, endpoint: sb.endpoint });
    const op = await findOperation('iam', 'list-roles');
    const all = await callOperation(iam, op, { MaxItems: 1 });
    const names = (all['Roles'] as { RoleName: string }[]).map((r) => r.RoleName);
    const roles = Object.keys(sb.world.accounts[DEVELOPMENT]?.iam.roles ?? {});
    expect(names.sort()).toEqual(roles.sort());
    expect(all).not.toHaveProperty('Marker');
    expect(all).not.toHaveProperty('IsTruncated');
    const one = await callOperation(iam, op, { MaxItems: 1 }, { paginate: false });
    expect(one['Roles']).toHaveLength(1);
    expect(one).toMatchObject({ IsTruncated: true });
    expect(one['Marker']).toEqual(expect.any(String));
    iam.destroy();
  });
});
