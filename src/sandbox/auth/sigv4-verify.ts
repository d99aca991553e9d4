import { createHash } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';

/** What the Authorization header says: who signed, for which date, region and service, and over which headers. */
export interface SignedRequestInfo {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

export function parseAuthorization(header: string | undefined): SignedRequestInfo | undefined {
  if (!header) return undefined;
  const m = AUTH_RE.exec(header.trim());
  if (!m) return undefined;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m;
  if (!accessKeyId || !date || !region || !service || !signedHeaders || !signature) return undefined;
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
}

export interface RawRequest {
  method: string;
  /** Path as sent, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function queryObject(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of query) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

/** S3's payload hashes that are not a hash of the body: allowed as sent, as AWS allows them (S3 only). */
export function isUnsignedPayload(value: string): boolean {
  return value === 'UNSIGNED-PAYLOAD' || value.startsWith('STREAMING-');
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * Recomputes the SigV4 signature with the SDK's own signer over exactly the headers the client signed, and
 * compares. We verify with @smithy/signature-v4 rather than re-implementing the canonical request.
 *
 * The payload hash is the hash of the body received, never the `x-amz-content-sha256` header's word for it
 * (the signer would take the header): a request whose body was swapped after signing fails to verify. Only
 * S3's UNSIGNED-PAYLOAD and STREAMING-* values stand as sent; S3 checks a declared hash before this
 * (`XAmzContentSHA256Mismatch`, in authenticate).
 */
export async function verifySignature(
  req: RawRequest,
  info: SignedRequestInfo,
  secretAccessKey: string,
  sessionToken?: string,
): Promise<boolean> {
  const amzDate = header(req.headers, 'x-amz-date');
  const signingDate = amzDate ? parseAmzDate(amzDate) : undefined;
  if (!signingDate) return false;
  const headers: Record<string, string> = {};
  for (const name of info.signedHeaders) {
    const value = header(req.headers, name);
    if (value === undefined) return false;
    headers[name] = value;
  }
  const declared = headers['x-amz-content-sha256'];
  if (declared !== undefined && !(info.service === 's3' && isUnsignedPayload(declared)))
    headers['x-amz-content-sha256'] = sha256Hex(req.body);
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: info.accessKeyId,
      secretAccessKey,
      ...(sessionToken && info.signedHeaders.includes('x-amz-security-token') ? { sessionToken } : {}),
    },
    region: info.region,
    service: info.service,
    sha256: Hash.bind(null, 'sha256'),
    // S3 signs the path as sent; every other service normalizes and double-encodes it.
    uriEscapePath: info.service !== 's3',
    applyChecksum: info.service === 's3',
  });
  const request = new HttpRequest({
    method: req.method,
    protocol: 'http:',
    hostname: (headers['host'] ?? '').replace(/:\d+$/, ''),
    path: req.path,
    query: queryObject(req.query),
    headers,
    body: req.body.length > 0 ? req.body : undefined,
  });
  // The signer must not add or drop headers: sign exactly the client's list.
  const signed = await signer.sign(request, {
    signingDate,
    signableHeaders: new Set(info.signedHeaders),
  });
  const auth = signed.headers['authorization'] ?? signed.headers['Authorization'];
  const m = /Signature=([0-9a-f]{64})/.exec(auth ?? '');
  return m?.[1] === info.signature;
}

export function header(headers: RawRequest['headers'], name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value.join(',');
  return value;
}
