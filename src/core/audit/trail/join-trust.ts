import type { TrustEdge } from '../types.js';
import type { Assumption } from './assumptions.js';

/**
 * "Who could" (the trust graph) joined with "who did" (the trail): each trust edge with the assumptions it
 * allowed in the window (count, last used, by whom), the edges nothing used (candidates to remove), and the
 * assumptions by principals crossbar does not know. An assumption is credited to the most specific edge that
 * admits its caller: the principal's own ARN, else its account's root, else `*`. When a cross-account record
 * names only a principal id crossbar could not resolve, every ARN edge of that account stays a candidate and is
 * credited, so that a lack of evidence never turns into a recommendation to remove a trust someone uses.
 */
export interface TrustUsage {
  edge: TrustEdge;
  count: number;
  /** ISO time of the latest assumption through this edge. */
  lastUsed?: string;
  /** Who used it: the assumptions' `who`, distinct, in order of first use. */
  by: string[];
  /** Credited from an assumption whose caller could only be narrowed to its account. */
  inferred: boolean;
}

export interface TrailJoin {
  used: TrustUsage[];
  /** Edges of roles in accounts whose trail was read in full and showed no assumption through them. */
  unused: TrustEdge[];
  /** Edges whose account's trail could not be read in full: neither used nor unused is known. */
  unknownUse: TrustEdge[];
  /** Assumptions by principals of accounts that are neither in the registry, the source's, nor the organization's. */
  unknownPrincipals: Assumption[];
}

function admits(edge: TrustEdge, a: Assumption): 'exact' | 'account' | 'public' | 'candidate' | undefined {
  const p = edge.principal;
  if (p.kind === 'public') return 'public';
  if (p.kind === 'service') return a.principal.service === p.id ? 'exact' : undefined;
  if (p.accountId === undefined || p.accountId !== a.principal.accountId) return undefined;
  if (p.type === 'root') return 'account';
  if (a.principal.principalArn !== undefined) return a.principal.principalArn === p.arn ? 'exact' : undefined;
  return 'candidate';
}

const rank = (how: string) => (how === 'exact' ? 0 : how === 'account' ? 1 : 2);

/** The edges credited with one assumption. */
export function edgesFor(a: Assumption, edges: readonly TrustEdge[]): { edges: TrustEdge[]; inferred: boolean } {
  const matched = edges.flatMap((edge) => {
    const how = edge.roleArn === a.roleArn && edge.actions.includes('sts:AssumeRole') ? admits(edge, a) : undefined;
    return how ? [{ edge, how }] : [];
  });
  const certain = matched.filter((m) => m.how !== 'candidate').sort((x, y) => rank(x.how) - rank(y.how));
  const best = certain[0];
  if (best && (best.how === 'exact' || !matched.some((m) => m.how === 'candidate')))
    return { edges: [best.edge], inferred: false };
  const candidates = matched.filter((m) => m.how === 'candidate').map((m) => m.edge);
  return candidates.length > 0
    ? { edges: candidates, inferred: candidates.length > 1 }
    : { edges: best ? [best.edge] : [], inferred: false };
}

const edgeKey = (e: TrustEdge) => `${e.roleArn}|${e.principal.id}|${JSON.stringify(e.conditions.raw)}`;

export interface JoinOptions {
  /** Accounts whose trail was read in every region asked for: only there can a trust be called unused. */
  fullyRead: ReadonlySet<string>;
}

export function joinTrustGraph(
  assumptions: readonly Assumption[],
  edges: readonly TrustEdge[],
  options: JoinOptions,
): TrailJoin {
  const usage = new Map<string, TrustUsage>();
  // Only a successful AssumeRole uses a trust; a console sign-in rides on a session an AssumeRole made.
  for (const a of assumptions) {
    if (a.event !== 'AssumeRole' || a.errorCode !== undefined) continue;
    const { edges: credited, inferred } = edgesFor(a, edges);
    for (const edge of credited) {
      const key = edgeKey(edge);
      const u = usage.get(key) ?? { edge, count: 0, by: [], inferred: false };
      u.count += 1;
      if (u.lastUsed === undefined || a.time > u.lastUsed) u.lastUsed = a.time;
      if (!u.by.includes(a.who)) u.by.push(a.who);
      u.inferred ||= inferred;
      usage.set(key, u);
    }
  }
  const idle = edges.filter((e) => !usage.has(edgeKey(e)));
  return {
    used: [...usage.values()].sort((x, y) => y.count - x.count || x.edge.roleArn.localeCompare(y.edge.roleArn)),
    unused: idle.filter((e) => options.fullyRead.has(e.accountId)),
    unknownUse: idle.filter((e) => !options.fullyRead.has(e.accountId)),
    unknownPrincipals: assumptions.filter((a) => a.principal.knowledge === 'foreign'),
  };
}
