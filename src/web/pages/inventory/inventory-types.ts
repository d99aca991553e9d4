/** The inventory routes' answers (docs/SERVER.md, "Inventory"), as the page reads them. */
export interface TypeCount {
  type: string;
  title: string;
  scope: 'regional' | 'global';
  count: number;
}

export interface TypesAnswer {
  synced: boolean;
  types: TypeCount[];
  total: number;
  regions: string[];
  accounts: { id: string; name: string }[];
}

export interface Resource {
  type: string;
  account_id: string;
  account_name: string;
  stage: string | null;
  region: string;
  arn: string;
  name: string | null;
  tags: Record<string, string>;
  synced_at: string;
}

export interface ResourcesAnswer {
  synced: boolean;
  total: number;
  limit: number;
  offset: number;
  resources: Resource[];
}

export interface Slice {
  account_id: string;
  account: string;
  stage: string | null;
  region: string;
  type: string;
  status: 'ok' | 'failed';
  error_code: string | null;
  error_message: string | null;
  aws_error_code: string | null;
  item_count: number;
  synced_at: string;
  last_ok_at: string | null;
  age_seconds: number | null;
  last_ok_age_seconds: number | null;
  stale: boolean;
}

export interface CoverageAnswer {
  synced: boolean;
  now: string;
  stale_after_seconds: number;
  slices: Slice[];
}

export type SqlCell = string | number | null;

export interface QueryAnswer {
  columns: string[];
  rows: SqlCell[][];
  row_count: number;
  stopped: 'max-rows' | 'timeout' | null;
  elapsed_ms: number;
  max_rows: number;
  timeout_seconds: number;
}

export const inventoryPath = (ws: string, part: string): string =>
  `/api/workspaces/${encodeURIComponent(ws)}/inventory/${part}`;
