import { appendTrail, SERVER_CHAIN, type TrailEntry, type TrailEvent } from '../core/team/index.js';
import type { AppContext } from './app-env.js';

/**
 * Records what a request did in the trail, with the caller's address: in the workspace's chain when `chain` is a
 * workspace id, else in the server's. Routes call this for every action, allowed or refused.
 */
export function recordTrail(
  c: AppContext,
  event: Omit<TrailEvent, 'address'>,
  chain: string = SERVER_CHAIN,
): Promise<TrailEntry> {
  const { store, now } = c.get('deps');
  return appendTrail(store, chain, { ...event, address: c.get('address') }, now);
}
