import { SERVER_CHAIN } from './append-trail.js';

/** The server's chain first, then the workspaces' chains in a stable order. */
export function byChain(a: string, b: string): number {
  if (a === b) return 0;
  if (a === SERVER_CHAIN) return -1;
  if (b === SERVER_CHAIN) return 1;
  return a < b ? -1 : 1;
}
