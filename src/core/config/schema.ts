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

/** A permission set's name, as IAM Identity Center allows it. */
const permissionSetName = z
  .string()
  .regex(/^[\w+=,.@-]{1,32}$/, 'must be a permission set name such as AdministratorAccess');

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
    /**
     * An SSO role: the account's SSO source gets its credentials with GetRoleCredentials for this permission set
     * (never AssumeRole). It is always the first hop of a chain; other roles reach further `via` it.
     */
    permission_set: permissionSetName.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.permission_set === undefined) {
      if (r.name === undefined && r.arn === undefined)
        ctx.addIssue({ code: 'custom', message: 'a role needs a name, an arn or a permission_set' });
      return;
    }
    // AWS names the role of a permission set itself (AWSReservedSSO_<set>_<hash>), and GetRoleCredentials takes
    // no ExternalId, MFA code or role to come from: those keys would be silently ignored.
    for (const key of ['name', 'arn', 'external_id', 'via'] as const)
      if (r[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `a permission_set role takes no ${key}: IAM Identity Center gives its credentials directly${key === 'via' ? ' (chain other roles via this one instead)' : ''}`,
        });
    if (r.mfa === 'required')
      ctx.addIssue({
        code: 'custom',
        path: ['mfa'],
        message: 'a permission_set role takes no MFA of its own: IAM Identity Center asks for it at `crossbar login`',
      });
  });

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
    /** The source this account is reached from (a name under `sources:`, or `default` for `source:`). */
    source: z.string().optional(),
    /** Role key (admin, readonly, …) → role. A bare string is a role name. */
    roles: z
      .record(
        z.string(),
        z.preprocess((v) => (typeof v === 'string' ? { name: v } : v), roleSchema),
      )
      .default({}),
  })
  .strict();

/** A source name: what `accounts[].source`, `defaults.source` and `crossbar login NAME` say. */
export const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/** An IAM Identity Center (SSO) source: its start URL and region, and optionally the hub of plain roles. */
export const ssoSchema = z
  .object({
    start_url: z
      .string()
      .url('must be the start URL of IAM Identity Center, such as https://d-1234567890.awsapps.com/start')
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
    /** Identity Center's region: where SSO OIDC and the portal answer. */
    region,
    /** The sso-session name (in ~/.aws/config and the token cache); defaults to the source's name. */
    session: z
      .string()
      .regex(/^[\w.@+-]+$/, 'must be letters, digits, dot, dash, underscore, @ or +')
      .optional(),
    /** The hub: the account and permission set whose session assumes the plain roles (those without `via`). */
    account: accountId.optional(),
    role: permissionSetName.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.account === undefined) !== (s.role === undefined))
      ctx.addIssue({
        code: 'custom',
        path: [s.account === undefined ? 'account' : 'role'],
        message: 'the hub needs both account and role (the permission set), or neither',
      });
  });

const sourceFields = {
  profile: z.string().optional(),
  mfa_serial: z
    .string()
    .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:mfa\/.+$/, 'must be an MFA device ARN')
    .optional(),
  /** The region the source signs in (STS, Cost Explorer, Organizations). */
  region: region.optional(),
  /** The human's name for session names and SourceIdentity; defaults to the source user's name. */
  identity: z.string().optional(),
  /** IAM Identity Center instead of keys: the source is an SSO sign-in (`crossbar login`). */
  sso: ssoSchema.optional(),
};

function oneKind(s: { sso?: unknown; profile?: unknown; mfa_serial?: unknown }, ctx: z.RefinementCtx): void {
  if (s.sso === undefined) return;
  for (const key of ['profile', 'mfa_serial'] as const)
    if (s[key] !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `an sso source signs in through IAM Identity Center and takes no ${key}: make the keys a source of their own under sources:`,
      });
}

/** `source:`, the unnamed default source (its name is `default`): an IAM identity (keys, a profile) or SSO. */
export const sourceSchema = z.object(sourceFields).strict().superRefine(oneKind);

/** A source under `sources:`, which may also say which accounts it serves by default. */
export const namedSourceSchema = z
  .object({
    ...sourceFields,
    /** A selector (`ou=/Acme`, `tag:client=x`, names): the accounts this source serves unless they name another. */
    accounts: z.string().min(1, 'must be a selector such as ou=/Clients/Acme').optional(),
  })
  .strict()
  .superRefine(oneKind);

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
    /** Named sources: several identities at once (an SSO sign-in, one's own keys, a client's keys). */
    sources: z
      .record(
        z.string().regex(SOURCE_NAME, 'a source name must be letters, digits, dot, dash or underscore'),
        namedSourceSchema,
      )
      .optional(),
    defaults: z
      .object({
        role: z.string().default('CrossbarReadOnly'),
        regions: z.array(region).default(['us-east-1']),
        profile_pattern: z.string().default('{namespace}-{name}-{role}'),
        duration: duration.optional(),
        /** The source of accounts that name none and that no source's `accounts:` selects. */
        source: z.string().optional(),
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
export type SourceConfig = z.infer<typeof sourceSchema>;
export type NamedSourceConfig = z.infer<typeof namedSourceSchema>;
export type SsoConfig = z.infer<typeof ssoSchema>;
