import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import type { Sandbox } from '../../src/sandbox/server.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startTestSandbox } from '../helpers/sandbox.js';
import {
  ALICE_MFA,
  DEVELOPMENT,
  assume,
  clientConfig,
  failure,
  keysOf,
  readOnlySession,
  sts,
} from '../helpers/sandbox-clients.js';

/**
 * Issue 9 item 11: the sandbox is as strict as AWS where a client could otherwise pass here and fail there.
 * Each refusal has its allowed twin.
 */
let sb: Sandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.stop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const IDENTITY = 'Action=GetCallerIdentity&Version=2011-06-15';

/**
 * A hand-signed request, sent with `fetch`: the body signed and the body sent may differ (a body swapped in
 * transit), and the signed headers are ours to choose.
 */
async function signedFetch(
  creds: AwsCredentialIdentity,
  options: {
    endpoint?: string;
    service?: string;
    region?: string;
    method?: string;
    path?: string;
    signedBody?: string;
    sentBody?: string;
    contentSha256?: string;
    signHost?: boolean;
  } = {},
): Promise<{ status: number; body: string }> {
  const endpoint = options.endpoint ?? sb.endpoint;
  const url = new URL(endpoint);
  const service = options.service ?? 'sts';
  const method = options.method ?? 'POST';
  const signedBody = options.signedBody ?? (method === 'POST' ? IDENTITY : undefined);
  const headers: Record<string, string> = { host: url.host };
  if (signedBody !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  if (options.contentSha256 !== undefined) headers['x-amz-content-sha256'] = options.contentSha256;
  const signer = new SignatureV4({
    credentials: creds,
    region: options.region ?? 'us-east-1',
    service,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: service !== 's3',
    // Only the x-amz-content-sha256 a test asks for (the signer would otherwise add the signed body's hash).
    applyChecksum: false,
  });
  const request = new HttpRequest({
    method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: options.path ?? '/',
    headers,
    ...(signedBody !== undefined ? { body: signedBody } : {}),
  });
  const signed = await signer.sign(request, options.signHost === false ? { unsignableHeaders: new Set(['host']) } : {});
  const sent: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') sent[k] = v;
  const body = options.sentBody ?? signedBody;
  const res = await fetch(`${endpoint}${options.path ?? '/'}`, {
    method,
    headers: sent,
    ...(body !== undefined ? { body } : {}),
  });
  return { status: res.status, body: await res.text() };
}

describe('a TOTP code is good once', () => {
  it('refuses a code that was already used, as AWS does', async () => {
    const code = sb.mfaCode('alice');
    const first = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', {
      SerialNumber: ALICE_MFA,
      TokenCode: code,
    });
    expect(first.accessKeyId).toMatch(/^ASIA/);
    const again = await failure(
      assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', { SerialNumber: ALICE_MFA, TokenCode: code }),
    );
    expect(again).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(again.message).toContain('MultiFactorAuthentication failed with invalid MFA one time pass code');
    expect(again.message).toContain('already used');
  });

  it('its twin: the next code is accepted', async () => {
    const next = await assume(sb, keysOf(sb, 'alice'), DEVELOPMENT, 'administrator', {
      SerialNumber: ALICE_MFA,
      TokenCode: sb.mfaCode('alice'),
    });
    expect(next.accessKeyId).toMatch(/^ASIA/);
  });
});

describe('the payload hash is computed from the body received', () => {
  it('refuses a body swapped after signing, even when X-Amz-Content-SHA256 vouches for the signed one', async () => {
    const forged = 'Action=GetCallerIdentity&Version=2011-06-15&Extra=swapped';
    const res = await signedFetch(keysOf(sb, 'alice'), { contentSha256: sha256(IDENTITY), sentBody: forged });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('its twin: the body that was signed, with its true hash, is accepted', async () => {
    const res = await signedFetch(keysOf(sb, 'alice'), { contentSha256: sha256(IDENTITY) });
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<Arn>arn:aws:iam::111111111111:user/alice</Arn>`);
  });

  it('UNSIGNED-PAYLOAD counts only for S3: STS refuses it, S3 accepts it', async () => {
    const stsRes = await signedFetch(keysOf(sb, 'alice'), { contentSha256: 'UNSIGNED-PAYLOAD' });
    expect(stsRes.status).toBe(403);
    expect(stsRes.body).toContain('<Code>SignatureDoesNotMatch</Code>');
    const dev = await readOnlySession(sb, DEVELOPMENT);
    const s3 = await signedFetch(dev, { service: 's3', method: 'GET', contentSha256: 'UNSIGNED-PAYLOAD' });
    expect(s3.status).toBe(200);
    expect(s3.body).toContain('<ListAllMyBucketsResult');
  });

  it('S3 compares a declared hash with the body: XAmzContentSHA256Mismatch', async () => {
    const dev = await readOnlySession(sb, DEVELOPMENT);
    // A GET has an empty body; the header declares the hash of another one.
    const res = await signedFetch(dev, { service: 's3', method: 'GET', contentSha256: sha256('another body') });
    expect(res.status).toBe(400);
    expect(res.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect(res.body).toContain(`<S3ComputedContentSHA256>${sha256('')}</S3ComputedContentSHA256>`);
    const twin = await signedFetch(dev, { service: 's3', method: 'GET', contentSha256: sha256('') });
    expect(twin.status).toBe(200);
  });
});

describe('host must be signed', () => {
  it('refuses a signature that leaves out the host header', async () => {
    const res = await signedFetch(keysOf(sb, 'alice'), { signHost: false });
    expect(res.status).toBe(403);
    expect(res.body).toContain('<Code>IncompleteSignature</Code>');
    expect(res.body).toContain('must be a &apos;SignedHeader&apos; in the AWS Authorization.');
  });

  it('its twin: the same request with host signed is accepted', async () => {
    expect((await signedFetch(keysOf(sb, 'alice'))).status).toBe(200);
  });
});

describe('the region in the credential scope must exist', () => {
  it('refuses a scope naming a region AWS does not have, for every service', async () => {
    const f = await failure(sts(sb, keysOf(sb, 'alice'), 'xx-nowhere-1').send(new GetCallerIdentityCommand({})));
    expect(f).toMatchObject({ name: 'InvalidRegion', status: 400 });
    expect(f.message).toContain("Credential should be scoped to a valid region: 'xx-nowhere-1'");
    const dev = await readOnlySession(sb, DEVELOPMENT);
    const s3 = new S3Client({ ...clientConfig(sb, dev, 'xx-nowhere-1'), forcePathStyle: true });
    expect((await failure(s3.send(new ListBucketsCommand({})))).name).toBe('InvalidRegion');
  });

  it('its twin: a real region, opt-in ones included, is accepted', async () => {
    for (const region of ['eu-west-1', 'eu-south-1']) {
      const id = await sts(sb, keysOf(sb, 'alice'), region).send(new GetCallerIdentityCommand({}));
      expect(id.Account).toBe('111111111111');
    }
  });
});

describe('keys differ between sandboxes', () => {
  it("one sandbox's keys mean nothing to another", async () => {
    const other = await startTestSandbox();
    try {
      expect(keysOf(other, 'alice').accessKeyId).not.toBe(keysOf(sb, 'alice').accessKeyId);
      expect(keysOf(other, 'alice').secretAccessKey).not.toBe(keysOf(sb, 'alice').secretAccessKey);
      const f = await failure(sts(other, keysOf(sb, 'alice')).send(new GetCallerIdentityCommand({})));
      expect(f.name).toBe('InvalidClientTokenId');
    } finally {
      await other.stop();
    }
  });

  it('its twin: two sandboxes started with the same seed share keys, and the names and ids stay the same', async () => {
    const [a, b] = await Promise.all([startTestSandbox({ seed: 'demo' }), startTestSandbox({ seed: 'demo' })]);
    try {
      expect(keysOf(a, 'alice')).toEqual(keysOf(b, 'alice'));
      expect(a.mfaCode('alice')).toBe(b.mfaCode('alice'));
      const id = await sts(b, keysOf(a, 'alice')).send(new GetCallerIdentityCommand({}));
      expect(id.Arn).toBe('arn:aws:iam::111111111111:user/alice');
      expect(a.world.accounts[DEVELOPMENT]?.iam.roles['administrator']?.id).toBe(
        sb.world.accounts[DEVELOPMENT]?.iam.roles['administrator']?.id,
      );
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

/**
 * The same scenarios against moto_server with its IAM checks on (/moto-api/reset-auth): moto verifies
 * signatures with botocore, so it refuses a body changed after signing and keys it never issued. It does not
 * implement the rest (checked by hand with moto 5.2): it takes X-Amz-Content-SHA256 at its word (a swapped body
 * with the signed body's hash passes), does not require host among the signed headers, accepts any region in
 * the scope, and never checks an MFA code, let alone its reuse.
 */
describe('the same scenarios against moto_server', () => {
  let moto: Moto;
  let motoAlice: AwsCredentialIdentity;
  beforeAll(async () => {
    moto = await startMoto();
    // moto checks signatures and policies after this many more requests: the three that make alice.
    const reset = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '3' });
    if (!reset.ok) throw new Error(`moto refused reset-auth: HTTP ${reset.status}`);
    const iam = new IAMClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIASETUPSETUPSETUP0', secretAccessKey: 'setup' },
    });
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'alice',
        PolicyName: 'everything',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('moto created no access key');
    motoAlice = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    // From here on moto checks: a wrong secret must fail, or the comparisons below would prove nothing.
    const wrong = await failure(
      new STSClient({
        ...clientConfig(sb, { ...motoAlice, secretAccessKey: 'wrong' }),
        endpoint: moto.endpoint,
      }).send(new GetCallerIdentityCommand({})),
    );
    if (wrong.name !== 'SignatureDoesNotMatch') throw new Error(`moto does not check signatures: ${wrong.name}`);
  }, 60_000);
  afterAll(async () => {
    await moto.stop();
  });

  it('both refuse a body changed after signing; both accept it unchanged', async () => {
    const changed = `${IDENTITY}&Extra=swapped`;
    for (const [endpoint, creds] of [
      [sb.endpoint, keysOf(sb, 'alice')],
      [moto.endpoint, motoAlice],
    ] as const) {
      const refused = await signedFetch(creds, { endpoint, sentBody: changed });
      expect(refused.status).toBe(403);
      expect(refused.body).toContain('<Code>SignatureDoesNotMatch</Code>');
      expect((await signedFetch(creds, { endpoint })).status).toBe(200);
    }
  });

  it("both refuse keys another instance issued: the sandbox's in moto, moto's in the sandbox", async () => {
    const inMoto = await failure(
      new STSClient({ ...clientConfig(sb, keysOf(sb, 'alice')), endpoint: moto.endpoint }).send(
        new GetCallerIdentityCommand({}),
      ),
    );
    expect(inMoto.name).toBe('InvalidClientTokenId');
    const inSandbox = await failure(sts(sb, motoAlice).send(new GetCallerIdentityCommand({})));
    expect(inSandbox.name).toBe('InvalidClientTokenId');
    const own = await new STSClient({ ...clientConfig(sb, motoAlice), endpoint: moto.endpoint }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(own.Arn).toMatch(/:user\/alice$/);
  });
});
