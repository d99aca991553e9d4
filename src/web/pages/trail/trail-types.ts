/** A trail entry as the API gives it (src/core/team/trail-record.ts TrailRecord). */
export interface TrailRecord {
  chain: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  workspace: string | null;
  target: string | null;
  outcome: string;
  address: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** Where and why a chain stopped verifying (core/team/check-chain.ts TrailBreak). */
export interface TrailBreak {
  chain: string;
  seq: number;
  reason: string;
  message: string;
}

/** `GET /api/trail/verify`. */
export interface TrailVerification {
  ok: boolean;
  checked: number;
  chains: {
    chain: string;
    workspace: string | null;
    ok: boolean;
    checked: number;
    head: { seq: number; hash: string } | null;
    from_seq: number;
    first_broken?: TrailBreak;
  }[];
  first_broken?: TrailBreak;
}

/** The list's filters, as the URL's query keeps them. */
export interface TrailFilters {
  who: string;
  action: string;
  target: string;
  since: string;
}

export const FILTER_KEYS = ['who', 'action', 'target', 'since'] as const;

/** The query string of a list, verify or export request for the workspace with these filters. */
export function trailQuery(workspace: string, filters: Partial<TrailFilters>, extra: Record<string, string> = {}) {
  const params = new URLSearchParams({ workspace });
  for (const key of FILTER_KEYS) {
    const value = filters[key]?.trim();
    if (value) params.set(key, value);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params.toString();
}
