import { z } from 'zod';

/**
 * What a workspace is (seed 000), validated once at the edge (the API, `serve --import`) and stored as JSON.
 *
 * The connection is how the server gets into the workspace's primary account:
 * - `source`: the server's own source identity (crossbar.yaml's `source:`);
 * - `profile`: a named profile of the server's AWS config;
 * - `env`: the server's environment keys (AWS_ACCESS_KEY_ID…);
 * - `role`: a role the server assumes first from its source ("Role-Based authentication (recommended)"), then
 *   hops from there into the workspace's accounts.
 */
export const WorkspaceConnectionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('source') }).strict(),
  z.object({ kind: z.literal('profile'), profile: z.string().min(1).max(128) }).strict(),
  z.object({ kind: z.literal('env') }).strict(),
  z
    .object({
      kind: z.literal('role'),
      role_arn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, 'not an IAM role ARN'),
      external_id: z.string().min(2).max(1224).optional(),
    })
    .strict(),
]);
export type WorkspaceConnection = z.infer<typeof WorkspaceConnectionSchema>;

export const WORKSPACE_ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;
export const WorkspaceRoleSchema = z.enum(WORKSPACE_ROLES);

/**
 * A per-account limit on a member: in the accounts `accounts` selects, only `roles` (registry role keys, `*` for
 * every role of the workspace). A member with limits may use an account × role only when one limit allows it;
 * a member without limits may use every role of the workspace in every account of it (their workspace role
 * permitting). An operator of `platform` who may hop read-only everywhere but admin only into dev:
 * `[{ accounts: 'all', roles: ['readonly'] }, { accounts: 'stage=dev', roles: ['admin'] }]`.
 */
export const MemberLimitSchema = z
  .object({
    accounts: z.string().min(1).max(512),
    roles: z.array(z.string().min(1).max(128)).min(1).max(64),
  })
  .strict();
export type MemberLimit = z.infer<typeof MemberLimitSchema>;

const NAME = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, dot, dash and underscore, starting with a letter or digit');

const DESCRIPTION = z.string().max(1024);
/** Registry selectors (`stage!=prod`, `production`): the accounts the workspace reaches. */
const ACCOUNT_SELECTORS = z.array(z.string().min(1).max(512)).min(1).max(256);
/** The registry role keys members may use; empty = every role the accounts define. */
const ROLE_KEYS = z.array(z.string().min(1).max(128)).max(64);

export const WorkspaceInputSchema = z
  .object({
    name: NAME,
    description: DESCRIPTION.default(''),
    connection: WorkspaceConnectionSchema.default({ kind: 'source' }),
    accounts: ACCOUNT_SELECTORS,
    roles: ROLE_KEYS.default([]),
  })
  .strict();
export type WorkspaceInput = z.infer<typeof WorkspaceInputSchema>;

/** `PATCH /api/workspaces/:ws`: what may change (not the name: the CLI and the trail know it by it). */
export const WorkspacePatchSchema = z
  .object({
    description: DESCRIPTION.optional(),
    connection: WorkspaceConnectionSchema.optional(),
    accounts: ACCOUNT_SELECTORS.optional(),
    roles: ROLE_KEYS.optional(),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    message: 'nothing to change: send description, connection, accounts or roles',
  });
export type WorkspacePatch = z.infer<typeof WorkspacePatchSchema>;

/** `PUT /api/workspaces/:ws/members/:user`: the member's workspace role and per-account limits. */
export const MemberInputSchema = z
  .object({
    role: z.enum(WORKSPACE_ROLES),
    limits: z.array(MemberLimitSchema).max(64).default([]),
  })
  .strict();
export type MemberInput = z.infer<typeof MemberInputSchema>;

export const ShortcutInputSchema = z
  .object({
    name: z
      .string()
      .min(2)
      .max(64)
      .regex(/^\/[a-z0-9][a-z0-9._-]*$/i, 'a slash and a word: /switch-to-prod'),
    account: z.string().min(1).max(128),
    role: z.string().min(1).max(128),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1')
      .default('us-east-1'),
  })
  .strict();
export type ShortcutInput = z.infer<typeof ShortcutInputSchema>;

export { NAME as WorkspaceNameSchema };
