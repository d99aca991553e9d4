import type { HttpAnswer } from './dispatch.js';
import type { FaultInjector, Faults } from './faults.js';
import type { RawRequest } from './auth/sigv4-verify.js';
import type { World } from './world/types.js';
import { decideDevice } from './sso/oidc.js';
import { isLoopback } from './sso/device-page.js';

/**
 * The sandbox's own endpoints under /_sandbox/: health, an unused MFA code (sandbox only, loopback only),
 * faults and the clock. They exist for the CLI and tests; AWS has nothing like them.
 */
export interface AdminDeps {
  world: World;
  faults: FaultInjector;
  mfaCode(userName: string, accountId?: string): string;
  advanceClock(ms: number): void;
  now(): number;
  markDirty(): void;
  /** Who is asking: the sign-in endpoint answers loopback only. */
  remoteAddress: string;
}

const json = (status: number, value: unknown): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(value),
});

export function handleAdmin(req: RawRequest, deps: AdminDeps): HttpAnswer | undefined {
  if (!req.path.startsWith('/_sandbox/')) return undefined;
  const route = `${req.method} ${req.path}`;
  switch (route) {
    case 'GET /_sandbox/health':
      return json(200, {
        status: 'ok',
        organization: deps.world.organization.id,
        accounts: Object.keys(deps.world.accounts).length,
        ...(deps.world.identityCenter
          ? {
              identityCenter: {
                startUrl: deps.world.identityCenter.startUrl,
                region: deps.world.identityCenter.region,
              },
            }
          : {}),
      });
    case 'POST /_sandbox/sso/approve':
      return approve(req, deps);
    case 'GET /_sandbox/mfa-code': {
      const user = req.query.get('user') ?? '';
      const account = req.query.get('account') ?? deps.world.organization.masterAccountId;
      try {
        return json(200, { user, code: deps.mfaCode(user, account) });
      } catch (err) {
        // Who does have a device there, so that the CLI can name the choices.
        const users = Object.values(deps.world.accounts[account]?.iam.mfaDevices ?? {}).map((d) => d.userName);
        return json(404, { error: err instanceof Error ? err.message : String(err), account, users });
      }
    }
    case 'GET /_sandbox/faults':
      return json(200, deps.faults.get());
    case 'GET /_sandbox/faults/stats':
      return json(200, deps.faults.stats());
    case 'PUT /_sandbox/faults': {
      try {
        const parsed: unknown = JSON.parse(req.body.toString('utf8') || '{}');
        if (typeof parsed !== 'object' || parsed === null) return json(400, { error: 'faults must be a JSON object' });
        deps.faults.set(parsed as Faults);
        return json(200, deps.faults.get());
      } catch {
        return json(400, { error: 'faults must be a JSON object' });
      }
    }
    case 'POST /_sandbox/clock': {
      const ms = Number(req.query.get('advanceMs'));
      if (!Number.isFinite(ms)) return json(400, { error: 'advanceMs must be a number' });
      deps.advanceClock(ms);
      return json(200, { advancedMs: ms });
    }
    default:
      return json(404, { error: `unknown sandbox endpoint ${route}` });
  }
}

/**
 * `crossbar sandbox approve USER CODE [--deny]`: the verification page's decision without a browser. Loopback
 * only, like the page: it signs in as anyone.
 */
function approve(req: RawRequest, deps: AdminDeps): HttpAnswer {
  if (!isLoopback(deps.remoteAddress)) return json(403, { error: 'sign-in approval is answered on loopback only' });
  const ic = deps.world.identityCenter;
  if (!ic) return json(404, { error: 'this sandbox organization has no IAM Identity Center instance' });
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString('utf8') || '{}');
  } catch {
    return json(400, { error: 'the body must be JSON: {"user": "...", "code": "ABCD-EFGH", "deny": false}' });
  }
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const user = typeof fields['user'] === 'string' ? fields['user'] : '';
  const code = typeof fields['code'] === 'string' ? fields['code'] : '';
  const deny = fields['deny'] === true;
  const problem = decideDevice(ic, code, user, !deny, deps.now());
  if (problem) {
    const unknownUser = !ic.users[user];
    return json(unknownUser ? 404 : 409, {
      error: problem,
      ...(unknownUser ? { users: Object.keys(ic.users) } : {}),
    });
  }
  deps.markDirty();
  return json(200, { user, code: code.trim().toUpperCase(), decision: deny ? 'denied' : 'approved' });
}
