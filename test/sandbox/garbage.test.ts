import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import { keysOf, sts } from '../helpers/sandbox-clients.js';

/** Malformed requests answer the way AWS does and never crash the sandbox. */
let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function raw(method: string, path: string, headers: Record<string, string>, body = ''): Promise<Reply> {
  const url = new URL(path, sb.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          data += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Signs a hand-made request with alice's real key, so that only its content is wrong. */
async function signed(service: string, headers: Record<string, string>, body: string): Promise<Reply> {
  const url = new URL(sb.endpoint);
  const signer = new SignatureV4({
    credentials: keysOf(sb, 'alice'),
    region: 'us-east-1',
    service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const req = new HttpRequest({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: { host: url.host, ...headers },
    body,
  });
  const s = await signer.sign(req);
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.headers)) flat[k] = String(v);
  return raw('POST', '/', flat, body);
}

async function stillAnswers(): Promise<void> {
  const id = await sts(sb, keysOf(sb, 'alice')).send(new GetCallerIdentityCommand({}));
  expect(id.Account).toBe('111111111111');
}

describe('garbage in, AWS errors out', () => {
  it('an unsigned query request gets MissingAuthenticationToken', async () => {
    const r = await raw(
      'POST',
      '/',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Action=GetCallerIdentity&Version=2011-06-15',
    );
    expect(r.status).toBe(403);
    expect(r.body).toContain('<Code>MissingAuthenticationToken</Code>');
    await stillAnswers();
  });

  it("an unsigned JSON request gets the JSON protocol's MissingAuthenticationTokenException, for every JSON service", async () => {
    for (const target of [
      'AWSOrganizationsV20161128.ListAccounts',
      'DynamoDB_20120810.ListTables',
      'AmazonEC2ContainerServiceV20141113.ListClusters',
      'StarlingDoveService.DescribeConfigRules',
    ]) {
      const r = await raw('POST', '/', { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target }, '{}');
      expect(r.status).toBe(400);
      expect(r.headers['x-amzn-errortype']).toContain('MissingAuthenticationTokenException');
    }
    await stillAnswers();
  });

  it('a mangled Authorization header is treated as unsigned', async () => {
    const r = await raw(
      'POST',
      '/',
      { authorization: 'AWS4-HMAC-SHA256 garbage', 'content-type': 'application/x-www-form-urlencoded' },
      'Action=GetCallerIdentity',
    );
    expect(r.status).toBe(403);
    await stillAnswers();
  });

  it('an unknown query action gets InvalidAction', async () => {
    const r = await signed(
      'sts',
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      'Action=StealEverything&Version=2011-06-15',
    );
    expect(r.status).toBe(400);
    expect(r.body).toContain('<Code>InvalidAction</Code>');
    expect(r.body).toContain('Could not find operation StealEverything for version 2011-06-15');
    await stillAnswers();
  });

  it('an unknown JSON target gets UnknownOperationException', async () => {
    const r = await signed(
      'organizations',
      { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSOrganizationsV20161128.Explode' },
      '{}',
    );
    expect(r.status).toBe(400);
    expect(r.headers['x-amzn-errortype']).toContain('UnknownOperationException');
    await stillAnswers();
  });

  it('a JSON body that is not JSON gets SerializationException', async () => {
    const r = await signed(
      'organizations',
      {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSOrganizationsV20161128.DescribeOrganization',
      },
      '{"not json',
    );
    expect(r.status).toBe(400);
    expect(r.body).toContain('SerializationException');
    await stillAnswers();
  });

  it('a non-numeric integer parameter is a 400, not a crash', async () => {
    const r = await signed(
      'sts',
      { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      'Action=GetSessionToken&Version=2011-06-15&DurationSeconds=lots',
    );
    expect(r.status).toBe(400);
    await stillAnswers();
  });

  it('random bytes to random paths never crash it', async () => {
    const junk = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    for (const path of ['/', '/x/y?z=%ZZ', '/federation?Action=login', '/_sandbox/nope', '/console']) {
      const r = await raw(
        'POST',
        path,
        {
          'content-type': 'application/octet-stream',
          'x-amz-target': 'Nope.$$$',
          authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/1/2/3/aws4_request, SignedHeaders=host, Signature=00',
        },
        junk,
      );
      expect(r.status).toBeGreaterThanOrEqual(400);
    }
    await stillAnswers();
  });

  it('the health endpoint answers', async () => {
    const r = await raw('GET', '/_sandbox/health', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', accounts: 5 });
  });
});
