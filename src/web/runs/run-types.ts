/** The shapes of the runs API (docs/SERVER.md, "Runs through the server"), as the Runs page reads them. */
export interface OperationParameter {
  name: string;
  type: string;
  required: boolean;
}

export interface OperationEntry {
  service: string;
  operation: string;
  global: boolean;
  paginated: boolean;
  why: string;
  parameters: OperationParameter[];
}

export interface OperationsAnswer {
  operations: OperationEntry[];
  total: number;
  truncated: boolean;
}

export interface SelectionAnswer {
  selector: string;
  accounts: { name: string; id: string; stage: string | null; regions: string[]; role: string; usable: boolean }[];
}

export interface RunCounts {
  ok: number;
  failed: number;
  done: number;
  total: number | null;
}

export interface RunRequestBody {
  kind: 'run' | 'sync';
  selector: string;
  regions?: string[] | 'all';
  role?: string;
  service?: string;
  operation?: string;
  params?: Record<string, unknown>;
  types?: string[];
}

export interface RunSummary {
  id: string;
  kind: 'run' | 'sync';
  label: string;
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  started_by: string;
  started_at: string;
  finished_at: string | null;
  selector: string;
  regions: string[] | 'all' | null;
  role: string | null;
  request: RunRequestBody;
  counts: RunCounts;
  summary: string | null;
}

/** One finished target: an SSE `target` event, and a row of the run's results (with `value` there). */
export interface TargetResult {
  seq: number;
  account_id: string;
  account: string;
  region: string;
  ok: boolean;
  code: string | null;
  aws_code: string | null;
  message: string | null;
  value?: unknown;
}

export interface RunDetail {
  run: RunSummary;
  results: TargetResult[];
  next_after: number | null;
}

export interface RunStarted {
  id: string;
  run: RunSummary;
  events: string;
}

/** How a target ended, as the grid and the table show it: in words, never by colour alone. */
export type TargetState = 'pending' | 'ok' | 'denied' | 'disabled' | 'failed';

export function stateOf(result: TargetResult | undefined): TargetState {
  if (!result) return 'pending';
  if (result.ok) return 'ok';
  if (result.code === 'DENIED' || result.code === 'ROLE_ASSUME_DENIED') return 'denied';
  if (result.code === 'REGION_DISABLED') return 'disabled';
  return 'failed';
}

export const STATE_LABEL: Record<TargetState, string> = {
  pending: 'pending',
  ok: 'ok',
  denied: 'denied',
  disabled: 'region disabled',
  failed: 'failed',
};
