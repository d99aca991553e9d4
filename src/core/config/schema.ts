import { z } from 'zod';

/**
 * The one schema of `crossbar.yaml`. Types come from it (`z.infer`); nothing else describes the file.
 * Keys are snake_case as in the YAML; the sketch in DESIGN.md is the model.
 */

const ACCOUNT_ID_MESSAGE = 'must be a 12-digit AWS account id in quotes, e.g. "222222222222"';
const accountId = z.string({ error: ACCOUNT_ID_MESSAGE }).regex(/^\d{12}$/, ACCOUNT_ID_MESSAGE);
const roleArn = z
  .string()
  .regex(
    /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    'must be an IAM role ARN such as arn:aws:iam::222222222222:role/Name',
  );
const duration = z
  .number()
  .int()
  .min(900, 'must be at least 900 seconds')
  .max(43_200, 'must be at most 43200 seconds (12 hours)');
const region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'must be a region name such as us-east-1');
export const COLORS = [
  'green',
  'yellow',
  'red',
  'blue',
  'orange',
  'purple',
  'gray',
  'cyan',
  'magenta',
  'white',
] as const;
const color = z
  .string()
  .refine(
    (c) => (COLORS as readonly string[]).includes(c) || /^#?[0-9a-fA-F]{6}$/.test(c),
    `must be one of ${COLORS.join(', ')} or a hex colour like #ff9900`,
  );

export const roleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')
      .optional(),
    arn: roleArn.optional(),
    external_id: z.string().min(2).max(1224).optional(),
    mfa: z.enum(['required', 'optional', 'none']).default('none'),
    duration: duration.optional(),
    confirm: z.boolean().default(false),
    /** Role chaining: reach this role through another role first (a role key of the same account, or account:role). */
    via: z.string().optional(),
  })
  .strict()
  .refine((r) => r.name !== undefined || r.arn !== undefined, { message: 'a role needs a name or an arn' });

export const accountSchema = z
  .object({
    id: accountId,
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'must be letters, digits, dot, dash or underscore'),
    alias: z.string().optional(),
    stage: z.string().optional(),
    color: color.optional(),
    tags: z.record(z.string(), z.string()).default({}),
    ou: z.string().regex(/^\/.*/, 'must be an OU path starting with /, e.g. /Workloads').optional(),
    regions: z.array(region).optional(),
    external_id: z.string().optional(),
    /** Role key (admin, readonly, …) → role. A bare string is a role name. */
    roles: z
      .record(
        z.string(),
        z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), roleSchema),
      )
      .default({}),
  })
  .strict();

export const sourceSchema = z
  .object({
    profile: z.string().optional(),
    mfa_serial: z
      .string()
      .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:mfa\/.+$/, 'must be an MFA device ARN')
      .optional(),
    region: region.optional(),
    /** The human's name for session names and SourceIdentity; defaults to the source user's name. */
    identity: z.string().optional(),
  })
  .strict();

export const configSchema = z
  .object({
    organization: z
      .object({
        name: z.string(),
        namespace: z
          .string()
          .regex(/^[a-z0-9-]+$/, 'must be lower-case letters, digits and dashes')
          .optional(),
      })
      .strict()
      .optional(),
    source: sourceSchema.default({}),
    defaults: z
      .object({
        role: z.string().default('CrossbarReadOnly'),
        regions: z.array(region).default(['us-east-1']),
        profile_pattern: z.string().default('{namespace}-{name}-{role}'),
        duration: duration.optional(),
      })
      .strict()
      .default({ role: 'CrossbarReadOnly', regions: ['us-east-1'], profile_pattern: '{namespace}-{name}-{role}' }),
    accounts: z.array(accountSchema).default([]),
    workspaces: z
      .array(
        z
          .object({
            name: z.string(),
            accounts: z.array(z.string()).min(1),
            source: sourceSchema.optional(),
            members: z.array(z.string()).optional(),
          })
          .strict(),
      )
      .default([]),
    shortcuts: z
      .array(
        z
          .object({
            name: z.string().regex(/^\/[a-z0-9][a-z0-9-]*$/i, 'must start with / like /switch-to-prod'),
            account: z.string(),
            role: z.string().optional(),
            region: region.optional(),
          })
          .strict(),
      )
      .default([]),
    endpoint: z.string().url('must be a URL such as http://127.0.0.1:4566').optional(),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type AccountConfig = z.infer<typeof accountSchema>;
export type RoleConfig = z.infer<typeof roleSchema>;
