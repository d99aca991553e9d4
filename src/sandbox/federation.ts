import { randomBytes } from 'node:crypto';
import type { HttpAnswer } from './dispatch.js';
import type { RawRequest } from './auth/sigv4-verify.js';
import { callerFor } from './auth/caller.js';
import { recordTrailEvent } from './trail-recorder.js';
import type { World } from './world/types.js';

/**
 * The federation sign-in endpoint (`/federation`: getSigninToken, login) and a minimal console page, as
 * signin.aws.amazon.com and the console answer them, so that `crossbar console` can be tested end to end.
 */
export interface FederationDeps {
  world: World;
  now(): number;
  markDirty(): void;
  endpoint(): string;
  sourceIp: string;
  userAgent: string;
}

const TOKEN_TTL_MS = 15 * 60_000;
const text = (status: number, body: string): HttpAnswer => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function parseSession(raw: string | null): { sessionId: string; sessionKey: string; sessionToken: string } | undefined {
  if (!raw) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v !== 'object' || v === null) return undefined;
    const r = v as Record<string, unknown>;
    const [id, key, token] = [r['sessionId'], r['sessionKey'], r['sessionToken']];
    if (typeof id !== 'string' || typeof key !== 'string' || typeof token !== 'string') return undefined;
    return { sessionId: id, sessionKey: key, sessionToken: token };
  } catch {
    return undefined;
  }
}

function getSigninToken(req: RawRequest, deps: FederationDeps): HttpAnswer {
  const creds = parseSession(req.query.get('Session'));
  if (!creds) return text(400, 'Invalid Session parameter: expected JSON with sessionId, sessionKey and sessionToken.');
  const session = deps.world.sessions[creds.sessionId];
  if (!session || session.secretAccessKey !== creds.sessionKey || session.sessionToken !== creds.sessionToken) {
    return text(400, 'The credentials in the Session parameter are invalid.');
  }
  if (Date.parse(session.expiration) <= deps.now())
    return text(400, 'The credentials in the Session parameter have expired.');
  if (session.principal.type !== 'assumed-role')
    return text(400, 'getSigninToken needs role session credentials (AssumeRole) or federated user credentials.');
  const durationParam = req.query.get('SessionDuration');
  let duration: number;
  if (durationParam !== null) {
    // AWS refuses SessionDuration for sessions that came from role chaining.
    if (session.chained)
      return text(400, 'SessionDuration cannot be specified for credentials obtained by role chaining.');
    duration = Number(durationParam);
    if (!Number.isInteger(duration) || duration < 900 || duration > 43_200)
      return text(400, 'SessionDuration must be an integer from 900 to 43200.');
  } else {
    duration = Math.max(900, Math.min(43_200, Math.floor((Date.parse(session.expiration) - deps.now()) / 1000)));
  }
  const token = randomBytes(48).toString('base64url');
  deps.world.signinTokens[token] = {
    token,
    sessionAccessKeyId: session.accessKeyId,
    sessionDuration: duration,
    expiresAt: new Date(deps.now() + TOKEN_TTL_MS).toISOString(),
  };
  deps.markDirty();
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ SigninToken: token }) };
}

function login(req: RawRequest, deps: FederationDeps): HttpAnswer {
  const token = req.query.get('SigninToken') ?? '';
  const record = deps.world.signinTokens[token];
  if (!record || Date.parse(record.expiresAt) <= deps.now())
    return text(400, 'The sign-in token is invalid or has expired; ask for a new one with getSigninToken.');
  const session = deps.world.sessions[record.sessionAccessKeyId];
  if (!session || session.principal.type !== 'assumed-role')
    return text(400, 'The session behind this sign-in token no longer exists.');
  // A sign-in token is good for one login.
  delete deps.world.signinTokens[token];
  const consoleId = randomBytes(24).toString('base64url');
  const expires = new Date(deps.now() + record.sessionDuration * 1000).toISOString();
  deps.world.signinTokens[`console:${consoleId}`] = {
    token: consoleId,
    sessionAccessKeyId: session.accessKeyId,
    sessionDuration: record.sessionDuration,
    expiresAt: expires,
  };
  const caller = callerFor(deps.world, session.principal, session.accessKeyId, session);
  recordTrailEvent(
    deps.world,
    session.principal.accountId,
    'us-east-1',
    caller,
    {
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      eventType: 'AwsConsoleSignIn',
      readOnly: false,
      requestParameters: null,
      responseElements: { ConsoleLogin: 'Success' },
      additionalEventData: {
        LoginTo: req.query.get('Destination') ?? '',
        MobileVersion: 'No',
        MFAUsed: session.mfaAuthTime ? 'Yes' : 'No',
      },
    },
    deps.now(),
    deps.sourceIp,
    deps.userAgent,
  );
  deps.markDirty();
  const destination = req.query.get('Destination') ?? '';
  return {
    status: 302,
    headers: {
      location: `${deps.endpoint()}/console?session=${consoleId}&destination=${encodeURIComponent(destination)}`,
      'content-type': 'text/plain',
    },
    body: 'Redirecting to the console',
  };
}

function consolePage(req: RawRequest, deps: FederationDeps): HttpAnswer {
  const id = req.query.get('session') ?? '';
  const record = deps.world.signinTokens[`console:${id}`];
  const session = record ? deps.world.sessions[record.sessionAccessKeyId] : undefined;
  if (!record || !session || session.principal.type !== 'assumed-role' || Date.parse(record.expiresAt) <= deps.now()) {
    return {
      status: 401,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: '<!doctype html><title>Signed out</title><p>Your console session has expired or does not exist. Sign in again.</p>',
    };
  }
  const account = deps.world.accounts[session.principal.accountId];
  const color = account?.tags['color'] ?? 'gray';
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>AWS console (sandbox) - ${esc(account?.name ?? '')}</title></head>
<body style="font-family:sans-serif;margin:0">
<header data-testid="account-bar" style="background:${esc(color)};color:#fff;padding:8px 16px">
<span data-testid="role">${esc(session.principal.roleName)}</span> @ <span data-testid="account-name">${esc(account?.name ?? '')}</span>
(<span data-testid="account-id">${esc(session.principal.accountId)}</span>)
</header>
<main style="padding:16px">
<p>Signed in to the crossbar sandbox console as <code data-testid="session">${esc(session.principal.sessionName)}</code>.</p>
<p>Colour: <span data-testid="color">${esc(color)}</span></p>
<p>Session expires at <time data-testid="expires">${esc(record.expiresAt)}</time>.</p>
<p>Destination: <code data-testid="destination">${esc(req.query.get('destination') ?? '')}</code></p>
</main></body></html>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

export function handleFederation(req: RawRequest, deps: FederationDeps): HttpAnswer | undefined {
  if (req.path === '/console') return consolePage(req, deps);
  if (req.path !== '/federation') return undefined;
  const action = req.query.get('Action');
  if (action === 'getSigninToken') return getSigninToken(req, deps);
  if (action === 'login') return login(req, deps);
  return text(400, `Unknown federation Action '${action ?? ''}': use getSigninToken or login.`);
}
