import {
  RedactedAccountCredentials,
  type CredentialTarget,
  type MfaCodeProvider,
  type RemoteCredentials,
} from '../../core/credentials/index.js';
import { CrossbarError } from '../../core/errors.js';
import { confirmedInProcess, confirmTarget } from '../confirm.js';
import { anyTerminalAsk } from '../prompt.js';
import type { CliContext } from '../context.js';
import { isServerAnswer, type Parse } from './server-client.js';
import { wsPath, type SignedIn } from './signed-in.js';

/**
 * Credentials vended by the team server: `POST /api/workspaces/:ws/credentials { account, role, purpose }`. The
 * server decides; the CLI answers its two questions the way it answers its own: a guarded role (CONFIRM_REQUIRED) is
 * the confirmation of confirm.ts, then `confirm: true`; an admin role (MFA_REQUIRED) is the member's own TOTP code,
 * asked on the terminal (or --mfa-code, CROSSBAR_MFA_CODE), then `totp_code`.
 */
export type VendPurpose = 'credentials' | 'console';

const field = (value: unknown, key: string): string | undefined => {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * `{ credentials: { AccessKeyId, SecretAccessKey, SessionToken, Expiration }, account_id, … }` (STS's names, as
 * credential_process has them). Checked by hand, not with zod: credential-process's cold path should not pay for it.
 */
export const parseVended: Parse<RedactedAccountCredentials> = (value) => {
  const creds =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['credentials'] : undefined;
  const accessKeyId = field(creds, 'AccessKeyId');
  const secretAccessKey = field(creds, 'SecretAccessKey');
  const sessionToken = field(creds, 'SessionToken');
  const expiration = field(creds, 'Expiration');
  const accountId = field(value, 'account_id');
  if (!accessKeyId || !secretAccessKey || !accountId || !expiration || Number.isNaN(Date.parse(expiration)))
    throw new Error('credentials: AccessKeyId, SecretAccessKey, Expiration and account_id expected');
  return new RedactedAccountCredentials(
    { accessKeyId, secretAccessKey, expiration: new Date(expiration), ...(sessionToken ? { sessionToken } : {}) },
    accountId,
  );
};

/** `{ url, account_id, expires_at }`: a console sign-in URL, the member's session (a secret for them only). */
export const parseConsoleUrl: Parse<string> = (value) => {
  const url = field(value, 'url');
  if (!url || !/^https?:\/\//.test(url)) throw new Error('url: a sign-in URL expected');
  return url;
};

export interface VendRequest {
  target: CredentialTarget;
  purpose: VendPurpose;
  /** The console's region. */
  region?: string | undefined;
}

/**
 * Asks the server for a target, answering a confirmation or a second factor once each. `once` is true when the
 * person confirmed for this request only (the server asked where the workspace did not say the role is guarded):
 * such credentials are not cached.
 */
export async function vendFor<T>(
  ctx: CliContext,
  signed: SignedIn,
  workspace: string,
  request: VendRequest,
  parse: Parse<T>,
  totpCode: MfaCodeProvider | undefined,
): Promise<{ value: T; once: boolean }> {
  const { target } = request;
  const guarded = { account: target.account, role: { ...target.role, confirm: true } };
  let confirm = target.role.confirm && confirmedInProcess(target);
  let once = false;
  let totp: string | undefined;
  const body = () => ({
    account: target.account.name,
    role: target.role.key,
    purpose: request.purpose,
    ...(request.region ? { region: request.region } : {}),
    ...(confirm ? { confirm: true } : {}),
    ...(totp !== undefined ? { totp_code: totp } : {}),
  });
  for (;;) {
    try {
      return { value: await signed.client.post(wsPath(workspace, '/credentials'), body(), parse), once };
    } catch (err) {
      if (isServerAnswer(err, 'CONFIRM_REQUIRED') && !confirm) {
        await confirmTarget(guarded, ctx.io, { signal: ctx.signal });
        once = !target.role.confirm;
        confirm = true;
      } else if (isServerAnswer(err, 'MFA_REQUIRED') && totp === undefined && totpCode) {
        // No authenticator enrolled: no code to ask for, and the server's hint says how to enrol one.
        if (!(await totpEnrolled(signed))) throw err;
        totp = await totpCode(`${signed.state.username} on ${signed.state.url}`);
      } else throw err;
    }
  }
}

async function totpEnrolled(signed: SignedIn): Promise<boolean> {
  const session = await signed.client.get('/api/session', (value) => value);
  const user =
    typeof session === 'object' && session !== null ? (session as Record<string, unknown>)['user'] : undefined;
  return typeof user === 'object' && user !== null && (user as Record<string, unknown>)['totp_enrolled'] === true;
}

/** The engine's remote: every target's credentials from the workspace, the member as the identity. */
export function vendingRemote(
  ctx: CliContext,
  signed: SignedIn,
  workspace: string,
  totpCode: MfaCodeProvider | undefined,
): RemoteCredentials {
  const { url, username } = signed.state;
  return {
    cacheKey: JSON.stringify([url, username, workspace]),
    async fetch(target) {
      const request = { target, purpose: 'credentials' } as const;
      const { value, once } = await vendFor(ctx, signed, workspace, request, parseVended, totpCode);
      return { credentials: value, cache: !once };
    },
    identity: () =>
      Promise.resolve({ arn: `${url}/users/${username}`, accountId: '', name: username, assumedRole: false }),
  };
}

/**
 * The member's own TOTP code when the server asks for a second factor: --mfa-code, else CROSSBAR_MFA_CODE, else asked
 * on the terminal (the controlling one under the AWS CLI); without any, one line saying how to give it.
 */
export function totpProviderFor(ctx: CliContext, flag: string | undefined, who: string): MfaCodeProvider {
  const given = flag ?? (ctx.io.env['CROSSBAR_MFA_CODE'] || undefined);
  if (given !== undefined) return () => Promise.resolve(given.trim());
  return async () => {
    const ask = anyTerminalAsk(ctx.io, ctx.signal);
    if (!ask)
      throw new CrossbarError(
        'MFA_REQUIRED',
        `the server asks for ${who}'s authenticator code (an admin role) and there is no terminal to ask on`,
        { hint: 'pass --mfa-code CODE or set CROSSBAR_MFA_CODE (the code of your own authenticator app)' },
      );
    return ask(`Authenticator code for ${who}: `);
  };
}
