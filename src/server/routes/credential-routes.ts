import type { Hono } from 'hono';
import { z } from 'zod';
import type { RegistryAccount, RegistryRole } from '../../core/config/index.js';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import { findUserById, secondFactorFresh, vendNeeds, vendRefusal, type VendResult } from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';
import { proveSecondFactor } from '../auth/second-factor.js';
import { readJson } from '../read-json.js';
import { vendingOf } from '../vending-of.js';
import {
  memberMayUse,
  recordWorkspaceTrail,
  workspaceAccounts,
  workspaceFor,
  type WorkspaceAccess,
} from '../workspace-access.js';

const VendSchema = z
  .object({
    /** An account of the workspace: name, id or alias. */
    account: z.string().min(1).max(128),
    /** A role key or IAM name; the account's default role when absent. */
    role: z.string().min(1).max(128).optional(),
    purpose: z.enum(['credentials', 'console']).default('credentials'),
    confirm: z.boolean().optional(),
    totp_code: z.string().min(1).max(16).optional(),
    duration_seconds: z.number().int().min(900).max(43_200).optional(),
    /** The console's region (the account's first region by default). */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as us-east-1')
      .optional(),
  })
  .strict();
type VendBody = z.infer<typeof VendSchema>;

/**
 * `POST /api/workspaces/:ws/credentials`: the member's own short-lived credentials for an account and role of the
 * workspace, or a console sign-in URL. In order, every refusal before any AWS call and in the workspace's trail:
 * membership (404) and the credentials.vend action (operator+, 403), the account in the workspace (404), the role
 * within the workspace's roles and the member's limits (403), `confirm: true` for a guarded role (403
 * CONFIRM_REQUIRED), a fresh second factor for an admin role (401 MFA_REQUIRED / MFA_INVALID). Then the member's
 * cached session, or AssumeRole through the workspace's connection as the member (core/team/vending.ts). The trail
 * says who, workspace, account, role, purpose, expiry and the address; never a key or the sign-in URL.
 */
export function registerCredentialRoutes(app: Hono<AppEnv>): void {
  app.post('/api/workspaces/:ws/credentials', async (c) => {
    const principal = requireUser(c);
    const access = await workspaceFor(c, c.req.param('ws'), 'credentials.vend');
    const body = await readJson(c, VendSchema);
    const vending = vendingOf(c);
    const { account, role } = await targetOf(c, access, body);
    const target = `${account.name}:${role.key}`;
    const facts = { account: account.name, account_id: account.id, role: role.key, purpose: body.purpose };
    const deny = async (err: CrossbarError): Promise<never> => {
      await recordWorkspaceTrail(c, access, {
        action: 'credentials.vend',
        target,
        outcome: 'denied',
        details: { ...facts, reason: err.code },
      });
      throw err;
    };

    const needs = vendNeeds(role);
    const fresh = secondFactorFresh(principal.secondFactorAt, c.get('deps').now());
    const user = needs.secondFactor ? await findUserById(c.get('deps').store, principal.userId) : undefined;
    const refusal = vendRefusal(
      needs,
      {
        confirm: body.confirm === true,
        secondFactor: fresh || body.totp_code !== undefined,
        totpEnrolled: user?.totp_enrolled_at != null,
      },
      target,
    );
    if (refusal) await deny(refusal);
    let secondFactor: 'fresh' | 'code' | 'not needed' = 'not needed';
    if (needs.secondFactor && fresh) secondFactor = 'fresh';
    else if (needs.secondFactor) {
      await proveSecondFactor(c, principal, body.totp_code ?? '').catch((err: unknown) =>
        isCrossbarError(err) ? deny(err) : Promise.reject(err),
      );
      secondFactor = 'code';
    }

    let vended: VendResult;
    try {
      vended = await vending.vend({
        member: { id: principal.userId, username: principal.username },
        workspace: { id: access.workspace.id, name: access.workspace.name, connection: access.workspace.connection },
        account,
        role,
        purpose: body.purpose,
        durationSeconds: body.duration_seconds,
        region: body.region,
      });
    } catch (err) {
      await recordWorkspaceTrail(c, access, {
        action: 'credentials.vend',
        target,
        outcome: 'failed',
        details: { ...facts, reason: isCrossbarError(err) ? err.code : 'ERROR' },
      });
      throw err;
    }
    const expiresAt = new Date(vended.expiresAt).toISOString();
    await recordWorkspaceTrail(c, access, {
      action: 'credentials.vend',
      target,
      outcome: 'ok',
      details: {
        ...facts,
        role_arn: role.arn,
        expires_at: expiresAt,
        cached: vended.cached,
        second_factor: secondFactor,
        ...(needs.confirm ? { confirmed: true } : {}),
        via: principal.via,
      },
    });
    const about = { account: account.name, account_id: account.id, role: role.key, role_arn: role.arn };
    if (body.purpose === 'console') return c.json({ url: vended.consoleUrl, ...about, expires_at: expiresAt });
    const { credentials } = vended;
    return c.json({
      credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        Expiration: expiresAt,
      },
      ...about,
      expires_at: expiresAt,
    });
  });
}

/**
 * The account (by name, id or alias, among the workspace's) and the role the member may use there; a refusal
 * (404 account, 403 role) is in the workspace's trail.
 */
async function targetOf(
  c: AppContext,
  access: WorkspaceAccess,
  body: VendBody,
): Promise<{ account: RegistryAccount; role: RegistryRole }> {
  const accounts = workspaceAccounts(c, access);
  const account = accounts.find((a) => a.name === body.account || a.id === body.account || a.alias === body.account);
  const roleRef = body.role ?? account?.defaultRole.key ?? '';
  const role = account ? memberMayUse(c, access, account, roleRef) : undefined;
  if (account && role) return { account, role };
  const err = account
    ? new CrossbarError(
        'FORBIDDEN',
        `${access.member.username} may not use the role ${roleRef} in ${account.name} through ${access.workspace.name}`,
        {
          hint: `the workspace's roles and your limits decide; GET /api/workspaces/${access.workspace.name} lists yours`,
        },
      )
    : new CrossbarError(
        'UNKNOWN_ACCOUNT',
        `the workspace ${access.workspace.name} reaches no account ${body.account.slice(0, 64)}`,
        { hint: `GET /api/workspaces/${access.workspace.name} lists its accounts` },
      );
  await recordWorkspaceTrail(c, access, {
    action: 'credentials.vend',
    target: `${(account?.name ?? body.account).slice(0, 64)}:${roleRef.slice(0, 64)}`,
    outcome: 'denied',
    details: { account: body.account.slice(0, 128), role: roleRef.slice(0, 128), reason: err.code },
  });
  throw err;
}
