import type { HttpAnswer } from './dispatch.js';
import type { FaultInjector, Faults } from './faults.js';
import type { RawRequest } from './auth/sigv4-verify.js';
import type { World } from './world/types.js';

/**
 * The sandbox's own endpoints under /_sandbox/: health, an unused MFA code (sandbox only, loopback only),
 * faults and the clock. They exist for the CLI and tests; AWS has nothing like them.
 */
export interface AdminDeps {
  world: World;
  faults: FaultInjector;
  mfaCode(userName: string, accountId?: string): string;
  advanceClock(ms: number): void;
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
      });
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
