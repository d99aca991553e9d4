import { randomUUID } from 'node:crypto';
import { ApiError } from '../api-error.js';
import type { HttpAnswer } from '../dispatch.js';
import { header, parseAuthorization, type RawRequest } from '../auth/sigv4-verify.js';
import { loadServiceModel } from '../model/service-model.js';
import {
  decodeJsonInput,
  encodeOutput,
  isProtocolInputError,
  parseJsonInput,
  serializeError,
} from '../protocol/index.js';
import type { World } from '../world/types.js';
import { createToken, registerClient, startDeviceAuthorization } from './oidc.js';
import { getRoleCredentials, listAccountRoles, listAccounts, logout, type PortalDeps } from './portal.js';
import { oauthCode } from './sso-error.js';

/**
 * SSO OIDC and the access portal on the sandbox's one endpoint. Their requests carry no SigV4 signature, so they
 * are found by method and path, and only these paths: every other request still needs a valid signature.
 */
export interface SsoDeps {
  world: World;
  now(): number;
  markDirty(): void;
  endpoint: string;
  sourceIp: string;
  userAgent: string;
  strictOutput: boolean;
  onInternalError(err: unknown): void;
}

type OidcOp = 'RegisterClient' | 'StartDeviceAuthorization' | 'CreateToken';
type PortalOp = 'ListAccounts' | 'ListAccountRoles' | 'GetRoleCredentials' | 'Logout';

const OIDC_ROUTES: Readonly<Record<string, OidcOp>> = {
  'POST /client/register': 'RegisterClient',
  'POST /device_authorization': 'StartDeviceAuthorization',
  'POST /token': 'CreateToken',
};
const PORTAL_ROUTES: Readonly<Record<string, PortalOp>> = {
  'GET /assignment/accounts': 'ListAccounts',
  'GET /assignment/roles': 'ListAccountRoles',
  'GET /federation/credentials': 'GetRoleCredentials',
  'POST /logout': 'Logout',
};

/** Whether a request is for SSO OIDC or the portal (and not, say, a signed S3 request for a bucket named `token`). */
export function isSsoRequest(req: RawRequest): boolean {
  const route = `${req.method} ${req.path}`;
  if (!(route in OIDC_ROUTES) && !(route in PORTAL_ROUTES)) return false;
  if (route === 'POST /token' && req.query.has('aws_iam')) return false;
  const signed = parseAuthorization(header(req.headers, 'authorization'));
  return !signed || signed.service === 'sso-oauth' || signed.service === 'awsssoportal';
}

export function handleSso(req: RawRequest, deps: SsoDeps): HttpAnswer | undefined {
  if (!isSsoRequest(req)) return undefined;
  const route = `${req.method} ${req.path}`;
  const oidcOp = OIDC_ROUTES[route];
  return oidcOp ? answerOidc(req, deps, oidcOp) : answerPortal(req, deps, PORTAL_ROUTES[route] ?? 'Logout');
}

function noInstance(): ApiError {
  return new ApiError('InvalidRequestException', 'This organization has no IAM Identity Center instance', 400);
}

function answerOidc(req: RawRequest, deps: SsoDeps, op: OidcOp): HttpAnswer {
  const model = loadServiceModel('sso-oidc');
  const requestId = randomUUID();
  try {
    const ic = deps.world.identityCenter;
    if (!ic) throw noInstance();
    const input = decodeJsonInput(model, op, parseJsonInput(req.body.toString('utf8') || '{}'));
    const oidc = { ic, now: deps.now, endpoint: deps.endpoint, markDirty: deps.markDirty };
    const output =
      op === 'RegisterClient'
        ? registerClient(oidc, input)
        : op === 'StartDeviceAuthorization'
          ? startDeviceAuthorization(oidc, input)
          : createToken(oidc, input);
    return encode(deps, model, op, output, requestId);
  } catch (err) {
    const api = asApiError(err, deps);
    // SSO OIDC's error body is OAuth's: `error` and `error_description`; the exception name is in the header.
    return {
      status: api.status,
      headers: {
        'Content-Type': 'application/json',
        'x-amzn-RequestId': requestId,
        'x-amzn-ErrorType': api.code,
      },
      body: JSON.stringify({ error: oauthCode(api.code), error_description: api.message }),
    };
  }
}

function answerPortal(req: RawRequest, deps: SsoDeps, op: PortalOp): HttpAnswer {
  const model = loadServiceModel('sso');
  const requestId = randomUUID();
  try {
    const ic = deps.world.identityCenter;
    if (!ic) throw noInstance();
    const portal: PortalDeps = {
      world: deps.world,
      ic,
      now: deps.now,
      markDirty: deps.markDirty,
      sourceIp: deps.sourceIp,
      userAgent: deps.userAgent,
    };
    const output =
      op === 'ListAccounts'
        ? listAccounts(req, portal)
        : op === 'ListAccountRoles'
          ? listAccountRoles(req, portal)
          : op === 'GetRoleCredentials'
            ? getRoleCredentials(req, portal)
            : logout(req, portal);
    return encode(deps, model, op, output, requestId);
  } catch (err) {
    const api = asApiError(err, deps);
    return serializeError(model, { code: api.code, message: api.message, status: api.status }, requestId);
  }
}

function encode(
  deps: SsoDeps,
  model: ReturnType<typeof loadServiceModel>,
  op: string,
  output: unknown,
  requestId: string,
): HttpAnswer {
  return encodeOutput(
    model,
    op,
    output,
    requestId,
    deps.strictOutput
      ? {
          onUnknownKey: (path) => {
            throw new Error(`${model.metadata.serviceId}:${op} returned '${path}', which the model does not have`);
          },
        }
      : {},
  );
}

function asApiError(err: unknown, deps: SsoDeps): ApiError {
  if (err instanceof ApiError) return err;
  if (isProtocolInputError(err)) return new ApiError('InvalidRequestException', err.message, 400);
  deps.onInternalError(err);
  return new ApiError('InternalServerException', 'Internal server error', 500);
}
