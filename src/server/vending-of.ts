import { Vending } from '../core/team/index.js';
import type { AppContext } from './app-env.js';
import type { ServerDeps } from './server-deps.js';
import { serverRegistry } from './workspace-access.js';

const built = new WeakMap<ServerDeps, Vending>();

/**
 * The app's vending (one per app: its per-member cache lives as long as the server process): `deps.vending`, or
 * one built on first use over the server's crossbar root. Without a registry: 503 CONFIG_NOT_FOUND.
 */
export function vendingOf(c: AppContext): Vending {
  const deps = c.get('deps');
  if (deps.vending) return deps.vending;
  let vending = built.get(deps);
  if (!vending) {
    serverRegistry(c);
    const crossbar = deps.crossbar;
    if (!crossbar) throw new Error('serverRegistry returned without a crossbar root');
    vending = new Vending({ crossbar, env: deps.env ?? {}, sourceMfaCode: deps.sourceMfaCode });
    built.set(deps, vending);
  }
  return vending;
}
