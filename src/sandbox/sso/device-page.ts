import type { HttpAnswer } from '../dispatch.js';
import { header, type RawRequest } from '../auth/sigv4-verify.js';
import type { World } from '../world/types.js';
import { decideDevice } from './oidc.js';

/**
 * The verification page SSO OIDC sends people to (`verificationUri`): enter or confirm the code, pick who signs in
 * and approve or deny. The sandbox has no passwords: whoever reaches this page on loopback may sign in as any
 * identity-store user, exactly as `crossbar sandbox approve` may; from elsewhere the page refuses.
 */
export interface DevicePageDeps {
  world: World;
  now(): number;
  markDirty(): void;
  remoteAddress: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function isLoopback(address: string): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || address.startsWith('127.');
}

function html(status: number, title: string, body: string): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
    body: `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body style="font-family:sans-serif;max-width:32em;margin:2em auto">
<h1>${esc(title)}</h1>
${body}
</body></html>`,
  };
}

function form(deps: DevicePageDeps, code: string, message?: string): HttpAnswer {
  const ic = deps.world.identityCenter;
  if (!ic)
    return html(404, 'No IAM Identity Center', '<p>This sandbox organization has no IAM Identity Center instance.</p>');
  const users = Object.values(ic.users)
    .map((u) => `<option value="${esc(u.userName)}">${esc(u.displayName)} (${esc(u.userName)})</option>`)
    .join('');
  return html(
    message ? 400 : 200,
    'Authorize request (crossbar sandbox)',
    `${message ? `<p role="alert" data-testid="error">${esc(message)}</p>` : ''}
<p>An application asks to sign in to <code>${esc(ic.startUrl)}</code>. Check that the code matches the one it shows.</p>
<form method="post" action="/device">
<p><label>Code <input name="user_code" value="${esc(code)}" placeholder="ABCD-EFGH" required></label></p>
<p><label>Sign in as <select name="user">${users}</select></label></p>
<p><button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button></p>
</form>`,
  );
}

export function handleDevicePage(req: RawRequest, deps: DevicePageDeps): HttpAnswer | undefined {
  if (req.path !== '/device' || header(req.headers, 'authorization') !== undefined) return undefined;
  if (!isLoopback(deps.remoteAddress))
    return html(403, 'Not available', '<p>The sandbox signs people in only from this machine (loopback).</p>');
  if (req.method === 'GET') return form(deps, req.query.get('user_code') ?? '');
  if (req.method !== 'POST') return html(405, 'Method not allowed', '<p>Use GET or POST.</p>');
  const fields = new URLSearchParams(req.body.toString('utf8'));
  const code = fields.get('user_code') ?? '';
  const user = fields.get('user') ?? '';
  const decision = fields.get('decision');
  if (decision !== 'approve' && decision !== 'deny') return form(deps, code, 'Choose Approve or Deny.');
  const ic = deps.world.identityCenter;
  if (!ic) return form(deps, code);
  const problem = decideDevice(ic, code, user, decision === 'approve', deps.now());
  if (problem) return form(deps, code, problem);
  deps.markDirty();
  return decision === 'approve'
    ? html(
        200,
        'Request approved',
        `<p data-testid="result">Request approved for ${esc(user)}. You can close this window.</p>`,
      )
    : html(200, 'Request denied', '<p data-testid="result">Request denied. You can close this window.</p>');
}
