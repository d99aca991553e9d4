import type { World } from './world/types.js';
import type { Caller } from './auth/caller.js';
import type { WireProtocol } from './api-error.js';

/** Everything a service handler may use. Handlers return plain objects shaped like the model's output. */
export interface HandlerContext {
  world: World;
  caller: Caller;
  region: string;
  requestId: string;
  protocol: WireProtocol;
  operation: string;
  /** The sandbox clock, in ms since the epoch. Tests can move it forward. */
  now(): number;
  /** Throws the protocol's AccessDenied if the caller's identity policies do not allow the action. */
  authorize(action: string, resource?: string): void;
  /** Records a CloudTrail management event in an account's trail. */
  recordEvent(accountId: string, event: TrailEventInput): void;
  /** Marks the world changed, so `--state` persists it. */
  markDirty(): void;
  /** The source address of the request, for CloudTrail. */
  sourceIp: string;
  userAgent: string;
}

export interface TrailEventInput {
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  resources?: { type: string; name: string }[];
  /** The identity to record; defaults to the caller. */
  userIdentity?: Record<string, unknown>;
  additionalEventData?: Record<string, unknown>;
  eventType?: string;
  recipientAccountId?: string;
  sharedEventID?: string;
  errorCode?: string;
  errorMessage?: string;
}

export type OperationHandler = (ctx: HandlerContext, input: Record<string, unknown>) => unknown;

export interface ServiceImpl {
  /** The SigV4 signing name, which is how requests find their service. */
  signingName: string;
  /** The vendored botocore model name in src/sandbox/models. */
  modelName: string;
  /** IAM action prefix, e.g. `ec2`. */
  actionPrefix: string;
  operations: Record<string, OperationHandler>;
  /** Operations that do their own authorization (or need none), e.g. sts:GetCallerIdentity. */
  selfAuthorized?: ReadonlySet<string>;
  /** IAM action names that differ from the operation name (S3 ListBuckets is s3:ListAllMyBuckets). */
  actionNames?: Readonly<Record<string, string>>;
  /** A REST service maps method and path to an operation and its input. */
  route?: (
    method: string,
    path: string,
    query: URLSearchParams,
  ) => { operation: string; input: Record<string, unknown> } | undefined;
  /** Global services answer from one place, whatever region was signed for. */
  global?: boolean;
}

/** Reads an input member as a string, or undefined. Inputs come from the wire: narrow, never cast. */
export function str(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  return typeof v === 'string' ? v : undefined;
}

export function num(input: Record<string, unknown>, key: string): number | undefined {
  const v = input[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function bool(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key];
  return typeof v === 'boolean' ? v : undefined;
}

export function list(input: Record<string, unknown>, key: string): unknown[] {
  const v = input[key];
  return Array.isArray(v) ? v : [];
}

export function strList(input: Record<string, unknown>, key: string): string[] {
  return list(input, key).filter((v): v is string => typeof v === 'string');
}

export function obj(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
