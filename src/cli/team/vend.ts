import {
  RedactedAccountCredentials,
  type CredentialTarget,
  type MfaCodeProvider,
  type RemoteCredentials,
} from '../../core/credentials/index.js';
import { CrossbarError } from '../../core/errors.js';
import { confirmedInProcess, confirmTarget } from '../confirm.js';
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

export interface VendAnswer {
  credentials: RedactedAccountCredentials;
  consoleUrl?: string;
}

const str = (value: unknown, key: string): string | undefined => {
  const v = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/**
 * Checked by hand, not with zod: credential-process's cold path should not pay for it. The server answers
 * `{ credentials: { AccessKeyId, SecretAccessKey, SessionToken, Expiration }, account_id, … }` (the names of STS
 * and of credential_process), and `{ url, account_id, expires_at }` for the console (docs/SERVER.md, Vending).
 */
export const parseVend: Parse<VendAnswer> = (value) => {
  const creds =
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['credentials'] : undefined;
  const accessKeyId = str(creds, 'AccessKeyId');
  const secretAccessKey = str(creds, 'SecretAccessKey');
  const sessionToken = str(creds, 'SessionToken');
  const expiration = str(creds, 'Expiration') ?? str(value, 'expires_at');
  const accountId = str(value, 'account_id');
  const consoleUrl = str(value, 'url');
  if (consoleUrl && accountId && expiration) {
    // A console answer carries no keys: the sign-in URL is the member's session.
    const none = new RedactedAccountCredentials(
      { accessKeyId: '', secretAccessKey: '', expiration: new Date(expiration) },
      accountId,
    );
    return { credentials: none, consoleUrl };
  }
  if (!accessKeyId || !secretAccessKey || !accountId || !expiration || Number.isNaN(Date.parse(expiration)))
    throw new Error('credentials: AccessKeyId, SecretAccessKey, Expiration and account_id expected');
  const credentials = new RedactedAccountCredentials(
    { accessKeyId, secretAccessKey, expiration: new Date(expiration), ...(sessionToken ? { sessionToken } : {}) },
    accountId,
  );
  return { credentials };
};

/**
 * Asks the server for a target, answering a confirmation or a second factor once each. `once` is true when the
 * person confirmed for this request only (the server asked where the workspace did not say the role is guarded):
 * such credentials are not cached.
 */
export async function vendFor(
  ctx: CliContext,
  signed: SignedIn,
  workspace: string,
  target: CredentialTarget,
  purpose: VendPurpose,
  totpCode: MfaCodeProvider | undefined,
  extra: Record<string, string> = {},
): Promise<VendAnswer & { once: boolean }> {
  const guarded = { account: target.account, role: { ...target.role, confirm: true } };
  let confirm = target.role.confirm && confirmedInProcess(target);
  let once = false;
  let totp: string | undefined;
  const body = () => ({
    account: target.account.name,
    role: target.role.key,
    purpose,
    ...extra,
    ...(confirm ? { confirm: true } : {}),
    ...(totp !== undefined ? { totp_code: totp } : {}),
  });
  for (;;) {
    try {
      const answer = await signed.client.post(wsPath(workspace, '/credentials'), body(), parseVend);
      return { ...answer, once };
    } catch (err) {
      if (isServerAnswer(err, 'CONFIRM_REQUIRED') && !confirm) {
        await confirmTarget(guarded, ctx.io, { signal: ctx.signal, home: undefined });
        once = !target.role.confirm;
        confirm = true;
      } else if (isServerAnswer(err, 'MFA_REQUIRED') && totp === undefined) {
        if (!totpCode) throw err;
        totp = await totpCode(`your authenticator (${signed.state.username} on ${signed.state.url})`);
      } else throw err;
    }
  }
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
      const answer = await vendFor(ctx, signed, workspace, target, 'credentials', totpCode);
      return { credentials: answer.credentials, cache: !answer.once };
    },
    identity: () =>
      Promise.resolve({ arn: `${url}/users/${username}`, accountId: '', name: username, assumedRole: false }),
  };
}

export function noConsoleUrl(url: string): CrossbarError {
  return new CrossbarError('ERROR', `the crossbar server at ${url} answered without a console sign-in URL`, {
    hint: 'the server and this CLI may be different versions',
  });
}
