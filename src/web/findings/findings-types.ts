/** GET …/findings, …/who-can and …/trust-usage (docs/SERVER.md), as the web UI reads them. */
export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export interface Finding {
  id: string;
  rule: string;
  severity: Severity;
  accountId: string;
  accountName: string;
  resource: string;
  title: string;
  evidence: string;
  fix: string;
}

export interface NotCovered {
  accountId: string;
  accountName: string;
  code: string;
  reason: string;
  message: string;
  region?: string;
}

export interface FindingsAnswer {
  workspace: string;
  read_at: string;
  accounts: { id: string; name: string; roles: string[] }[];
  findings: Finding[];
  exceptions: { rule: string; accountId: string; resource: string; why: string }[];
  not_covered: NotCovered[];
}

export interface WhoCanAnswer {
  account: { id: string; name: string };
  role_arn: string;
  entries: { principal: string; kind: string; via: string[]; needs: string[]; can: boolean; reason?: string }[];
  not_covered: NotCovered[];
}

export interface TrustEdgeView {
  account_id: string;
  role: string;
  role_arn: string;
  principal: string;
  kind: string;
  conditions: string[];
}

export interface TrustUsageAnswer {
  since: string;
  window: { start: string; end: string };
  used: (TrustEdgeView & { count: number; last_used: string | null; by: string[]; inferred: boolean })[];
  unused: TrustEdgeView[];
  unknown_use: TrustEdgeView[];
  assumptions: number;
  unknown_principals: { time: string; account: string; role: string | null; who: string; from: string }[];
  not_covered: NotCovered[];
}
