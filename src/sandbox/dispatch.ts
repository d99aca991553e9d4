import { randomUUID } from 'node:crypto';
import { loadServiceModel, type ServiceModel } from './model/service-model.js';
import { parseQueryInput } from './protocol/query-input.js';
import {
  decodeJsonInput,
  encodeOutput,
  isProtocolInputError,
  parseJsonInput,
  serializeError,
  type WireError,
} from './protocol/index.js';
import {
  ApiError,
  accessDeniedError,
  internalError,
  missingAuthError,
  throttlingError,
  unknownOperationError,
  type WireProtocol,
} from './api-error.js';
import { header, parseAuthorization, type RawRequest } from './auth/sigv4-verify.js';
import { authenticate } from './authenticate.js';
import { authorizeCaller, principalContext } from './authorize.js';
import { recordTrailEvent } from './trail-recorder.js';
import type { FaultInjector } from './faults.js';
import type { HandlerContext, ServiceImpl } from './service.js';
import type { World } from './world/types.js';

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface DispatchDeps {
  world: World;
  services: ReadonlyMap<string, ServiceImpl>;
  faults: FaultInjector;
  now(): number;
  markDirty(): void;
  sleep(ms: number): Promise<void>;
  onInternalError(err: unknown): void;
  /** Fail loudly when a handler returns a key the model does not have (a misspelling would vanish). */
  strictOutput?: boolean;
}

interface Located {
  service: ServiceImpl;
  model: ServiceModel;
  protocol: WireProtocol;
  operation: string;
  input: Record<string, unknown>;
}

function protocolOf(model: ServiceModel): WireProtocol {
  const p = model.metadata.protocol;
  return p === 'query' || p === 'ec2' || p === 'json' || p === 'rest-json' || p === 'rest-xml' ? p : 'query';
}

/** A bare query-style error, for requests that never reach a service (no service, no signature). */
function bareError(err: ApiError, requestId: string): HttpAnswer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    status: err.status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${esc(err.code)}</Code><Message>${esc(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** Finds the service, operation and input of a request, from its signature scope and its protocol. */
function locate(req: RawRequest, service: ServiceImpl): Located {
  const model = loadServiceModel(service.modelName);
  const protocol = protocolOf(model);
  const implemented = (op: string) => op in service.operations && op in model.operations;
  if (protocol === 'query' || protocol === 'ec2') {
    const params = new URLSearchParams(req.query);
    const contentType = header(req.headers, 'content-type') ?? '';
    if (req.body.length > 0 && contentType.includes('x-www-form-urlencoded')) {
      for (const [k, v] of new URLSearchParams(req.body.toString('utf8'))) params.append(k, v);
    }
    const operation = params.get('Action') ?? '';
    if (!implemented(operation))
      throw Object.assign(unknownOperationError(protocol, operation, model.metadata.apiVersion), {
        located: { model, protocol },
      });
    return { service, model, protocol, operation, input: parseQueryInput(model, operation, params) };
  }
  if (protocol === 'json') {
    const target = header(req.headers, 'x-amz-target') ?? '';
    const operation = target.slice(target.lastIndexOf('.') + 1);
    if (!implemented(operation))
      throw Object.assign(unknownOperationError(protocol, operation, model.metadata.apiVersion), {
        located: { model, protocol },
      });
    return {
      service,
      model,
      protocol,
      operation,
      input: decodeJsonInput(model, operation, parseJsonInput(req.body.toString('utf8'))),
    };
  }
  const routed = service.route?.(req.method, req.path, req.query);
  if (!routed || !implemented(routed.operation))
    throw Object.assign(unknownOperationError(protocol, routed?.operation ?? req.path, model.metadata.apiVersion), {
      located: { model, protocol },
    });
  const body =
    protocol === 'rest-json' && req.body.length > 0
      ? decodeJsonInput(model, routed.operation, parseJsonInput(req.body.toString('utf8')))
      : {};
  return { service, model, protocol, operation: routed.operation, input: { ...body, ...routed.input } };
}

function locatedOf(err: unknown): { model: ServiceModel; protocol: WireProtocol } | undefined {
  if (typeof err === 'object' && err !== null && 'located' in err) {
    const l = (err as { located: unknown }).located;
    if (typeof l === 'object' && l !== null && 'model' in l && 'protocol' in l)
      return l as { model: ServiceModel; protocol: WireProtocol };
  }
  return undefined;
}

export async function dispatchAws(
  req: RawRequest,
  deps: DispatchDeps,
  meta: { sourceIp: string; userAgent: string },
): Promise<HttpAnswer> {
  const requestId = randomUUID();
  const info = parseAuthorization(header(req.headers, 'authorization'));
  const service = info ? deps.services.get(info.service) : guessService(req, deps.services);
  if (!service) {
    if (!info) return bareError(missingAuthError('query'), requestId);
    return bareError(
      new ApiError('UnrecognizedClientException', `The sandbox does not implement the service '${info.service}'.`, 400),
      requestId,
    );
  }
  let located: Located | undefined;
  try {
    located = locate(req, service);
    if (!info) throw missingAuthError(located.protocol);
    const caller = await authenticate(deps.world, req, info, located.protocol, deps.now());
    const region = service.global ? 'us-east-1' : info.region;
    // Throttling buckets are per account and region, as AWS's are.
    const decision = deps.faults.decide(
      { account: caller.accountId, region, service: service.signingName, operation: located.operation },
      Date.now(),
    );
    if (decision.delayMs > 0) await deps.sleep(decision.delayMs);
    if (decision.fail === 'throttle') throw throttlingError(located.protocol);
    if (decision.fail === 'error') throw internalError(located.protocol);
    const ctx = handlerContext(deps, located, caller, region, requestId, meta);
    touchAccessKey(deps, caller.accessKeyId, service.signingName, region);
    if (!service.selfAuthorized?.has(located.operation)) {
      ctx.authorize(`${service.actionPrefix}:${service.actionNames?.[located.operation] ?? located.operation}`);
    }
    const output = await service.operations[located.operation]?.(ctx, located.input);
    const op = located.operation;
    return encodeOutput(
      located.model,
      op,
      output ?? {},
      requestId,
      deps.strictOutput
        ? {
            onUnknownKey: (path) => {
              throw new Error(
                `${service.signingName}:${op} returned '${path}', which the model's output shape does not have`,
              );
            },
          }
        : {},
    );
  } catch (err) {
    const where = located ?? locatedOf(err) ?? modelOf(service);
    if (isProtocolInputError(err)) {
      const bad = new ApiError(err.awsCode, err.message, err.status);
      return where ? serializeError(where.model, errorShape(bad), requestId) : bareError(bad, requestId);
    }
    if (!(err instanceof ApiError)) {
      deps.onInternalError(err);
      const internal = internalError(where?.protocol ?? 'query');
      return where ? serializeError(where.model, errorShape(internal), requestId) : bareError(internal, requestId);
    }
    return where ? serializeError(where.model, errorShape(err), requestId) : bareError(err, requestId);
  }
}

/** The service's model for error replies, when locating the operation itself failed. */
function modelOf(service: ServiceImpl): { model: ServiceModel; protocol: WireProtocol } | undefined {
  try {
    const model = loadServiceModel(service.modelName);
    return { model, protocol: protocolOf(model) };
  } catch {
    return undefined;
  }
}

function errorShape(err: ApiError): WireError {
  return {
    code: err.code,
    message: err.message,
    status: err.status,
    senderFault: err.senderFault,
    fields: err.fields,
    headers: err.headers,
  };
}

/** Unsigned requests still deserve the right protocol's "missing token" error: find the JSON service by its target prefix. */
function guessService(req: RawRequest, services: ReadonlyMap<string, ServiceImpl>): ServiceImpl | undefined {
  const target = header(req.headers, 'x-amz-target');
  if (!target) return undefined;
  const prefix = target.slice(0, target.lastIndexOf('.'));
  for (const service of services.values()) {
    const model = modelOf(service)?.model;
    if (model?.metadata.targetPrefix !== undefined && model.metadata.targetPrefix === prefix) return service;
  }
  return undefined;
}

function touchAccessKey(deps: DispatchDeps, accessKeyId: string, service: string, region: string): void {
  const key =
    deps.world.accessKeys[accessKeyId] ??
    deps.world.accessKeys[deps.world.sessions[accessKeyId]?.parentAccessKeyId ?? ''];
  if (key) key.lastUsed = { date: new Date(deps.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), service, region };
}

function handlerContext(
  deps: DispatchDeps,
  located: Located,
  caller: HandlerContext['caller'],
  region: string,
  requestId: string,
  meta: { sourceIp: string; userAgent: string },
): HandlerContext {
  return {
    world: deps.world,
    caller,
    region,
    requestId,
    protocol: located.protocol,
    operation: located.operation,
    now: deps.now,
    sourceIp: meta.sourceIp,
    userAgent: meta.userAgent,
    markDirty: deps.markDirty,
    authorize(action, resource = '*') {
      const result = authorizeCaller(deps.world, caller, action, resource, {
        ...principalContext(deps.world, caller, deps.now()),
        'aws:RequestedRegion': region,
      });
      if (!result.allowed) throw accessDeniedError(located.protocol, caller.arn, action, resource, result.explicit);
    },
    recordEvent(accountId, event) {
      recordTrailEvent(deps.world, accountId, region, caller, event, deps.now(), meta.sourceIp, meta.userAgent);
      deps.markDirty();
    },
  };
}
