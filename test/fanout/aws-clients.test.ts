import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callOperation,
  ClientPool,
  clientConfig,
  createAwsClient,
  findOperation,
  resolveService,
} from '../../src/core/aws-clients/index.js';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { DEVELOPMENT, readOnlySession } from '../helpers/sandbox-clients.js';

/**
 * The one client factory: the endpoint configured is the one called (iam-collect's pool once dropped it), S3
 * goes path-style there, and pagination follows every page through the SDK's own paginators.
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
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
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      const body = req.url?.startsWith('/my-bucket') ? BUCKETS : IDENTITY;
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
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
    expect(config).toMatchObject({ region: 'us-east-1', retryMode: 'adaptive' });
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
