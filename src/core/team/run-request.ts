import { z } from 'zod';

/**
 * What `POST /api/workspaces/:ws/runs` takes (issue 10 item 5), validated once at the edge and kept as the run's
 * `request_json`: a fan-out `run` of one read operation, or an `inventory sync`, over the workspace's accounts.
 * `selector` is a registry selector (`all` = every account of the workspace); `regions` names regions, or `all`
 * (the regions each account has enabled), or is absent (each account's configured regions); `role` is a registry
 * role key (absent: each account's default role).
 */
const REGION = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1');

const TARGETS = {
  selector: z.string().trim().min(1).max(512),
  regions: z.union([z.literal('all'), z.array(REGION).min(1).max(40)]).optional(),
  role: z.string().min(1).max(128).optional(),
  /** A guarded role (`confirm: true` in crossbar.yaml, production) runs only when the request says so. */
  confirm: z.boolean().default(false),
  /**
   * The member's current TOTP code, for a run with an admin role when the session has no fresh second factor.
   * Spent once, and never stored with the run (`storableRequest`).
   */
  totp_code: z
    .string()
    .regex(/^\s*\d{6}\s*$/, 'a 6-digit code')
    .optional(),
};

export const RunOperationRequestSchema = z
  .object({
    kind: z.literal('run'),
    ...TARGETS,
    service: z.string().min(1).max(64),
    operation: z.string().min(1).max(128),
    params: z.record(z.string(), z.unknown()).default({}),
    /** Follow every page (default), as the CLI's `run` does unless told `--no-paginate`. */
    paginate: z.boolean().default(true),
  })
  .strict();

export const RunSyncRequestSchema = z
  .object({
    kind: z.literal('sync'),
    ...TARGETS,
    /** Resource types or services (`ec2_instances`, `iam`); absent or empty: every type. */
    types: z.array(z.string().min(1).max(64)).max(64).default([]),
  })
  .strict();

export const RunRequestSchema = z.discriminatedUnion('kind', [RunOperationRequestSchema, RunSyncRequestSchema]);
export type RunRequest = z.infer<typeof RunRequestSchema>;
export type RunOperationRequest = z.infer<typeof RunOperationRequestSchema>;
export type RunSyncRequest = z.infer<typeof RunSyncRequestSchema>;

/** A run's one-line label for lists and the trail: `ec2 DescribeInstances`, `sync ec2_instances,iam_roles`. */
export function runLabel(request: RunRequest): string {
  if (request.kind === 'run') return `${request.service} ${request.operation}`;
  return `sync ${request.types.length > 0 ? request.types.join(',') : 'all types'}`;
}

/** The request as the run keeps it: without the TOTP code it may carry. */
export function storableRequest(request: RunRequest): RunRequest {
  const { totp_code: _code, ...rest } = request;
  return rest;
}
