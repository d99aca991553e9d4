import { ApiError, post, seg } from './api.js';
import type { AccountRole } from './types.js';

/**
 * The member's own credentials and console sign-ins, through the server (POST /api/workspaces/:ws/credentials):
 * the server checks membership, the role, the confirmation and the second factor, and answers with short-lived
 * credentials or a federated sign-in URL. Nothing here is remembered: the answer is shown once and forgotten.
 */
export interface VendRequest {
  account: string;
  role: string;
  purpose: 'console' | 'credentials';
  region?: string;
  confirm?: boolean;
  totp_code?: string;
}

export interface ConsoleAnswer {
  url: string;
  account: string;
  account_id: string;
  role: string;
  expires_at: string;
}

export interface CredentialsAnswer {
  credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
  account: string;
  account_id: string;
  role: string;
  expires_at: string;
}

/** Whether the server will ask for more than the click: a second factor (admin role) and/or the confirmation. */
export function guardOf(role: Pick<AccountRole, 'mfa' | 'confirm'>): { secondFactor: boolean; confirm: boolean } {
  return { secondFactor: role.mfa === 'required' || role.confirm, confirm: role.confirm };
}

/** The refusals a guard prompt can answer (credential-routes.ts): ask again for the code or the confirmation. */
export const GUARD_CODES = new Set(['MFA_REQUIRED', 'MFA_INVALID', 'CONFIRM_REQUIRED']);

export function vendPath(workspace: string): string {
  return `/api/workspaces/${seg(workspace)}/credentials`;
}

/**
 * Opens the console in a new tab. The tab is opened at the click (a tab opened after an await is a blocked pop-up),
 * cut from this page (no `opener`), and sent to the sign-in URL once the server answers; closed on a refusal.
 */
export async function openConsole(workspace: string, request: VendRequest): Promise<ConsoleAnswer> {
  const tab = window.open('about:blank', '_blank');
  if (tab) tab.opener = null;
  try {
    const answer = await post<ConsoleAnswer>(vendPath(workspace), { ...request, purpose: 'console' });
    if (tab) tab.location.href = answer.url;
    else window.location.assign(answer.url);
    return answer;
  } catch (err) {
    tab?.close();
    throw err instanceof ApiError ? err : new ApiError(0, 'ERROR', String(err));
  }
}

export function vendCredentials(workspace: string, request: VendRequest): Promise<CredentialsAnswer> {
  return post<CredentialsAnswer>(vendPath(workspace), { ...request, purpose: 'credentials' });
}

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** The `export …` line for bash (and zsh), with the sandbox's endpoint when the server names one. */
export function exportLine(answer: CredentialsAnswer, endpoint?: string): string {
  const c = answer.credentials;
  const vars = [
    `AWS_ACCESS_KEY_ID=${quote(c.AccessKeyId)}`,
    `AWS_SECRET_ACCESS_KEY=${quote(c.SecretAccessKey)}`,
    `AWS_SESSION_TOKEN=${quote(c.SessionToken)}`,
    `AWS_CREDENTIAL_EXPIRATION=${quote(c.Expiration)}`,
    ...(endpoint ? [`AWS_ENDPOINT_URL=${quote(endpoint)}`] : []),
  ];
  return `export ${vars.join(' ')}`;
}

/** "14:05 (in 60 min)" in the reader's time zone. */
export function expiryText(iso: string, now = Date.now()): string {
  const at = new Date(iso);
  const minutes = Math.max(0, Math.round((at.getTime() - now) / 60_000));
  return `${at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })} (in ${minutes} min)`;
}
