/** GET /api/workspaces/:ws/cost (docs/SERVER.md): `crossbar cost`'s report, as the web UI reads it. */
export interface CostChange {
  absolute: number;
  percent: number | null;
  previous: number;
  current: number;
}

export interface CostMonth {
  month: string;
  partial: boolean;
  estimated: boolean;
  total: number;
}

export interface CostRow {
  key: string;
  labels: string[];
  account?: { id: string; name: string; stage?: string; color?: string; inRegistry: boolean };
  monthly: number[];
  total: number;
  change?: CostChange;
}

export interface CostReport {
  metric: string;
  unit: string;
  by: string[];
  start: string;
  end: string;
  months: CostMonth[];
  rows: CostRow[];
  total: number;
  comparison?: { previous: string; current: string };
  movers: CostRow[];
}

export interface CostAnswer {
  workspace: string;
  months: number;
  accounts: { id: string; name: string; stage?: string }[];
  cached_age_ms: number | null;
  report: CostReport;
}
