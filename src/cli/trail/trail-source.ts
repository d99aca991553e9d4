import type { HeadDocument, TrailExportFormat, TrailRecord, TrailVerification } from '../../core/team/index.js';

/** Which chains a trail command reads: a workspace's, the server's, or (neither) every chain it may read. */
export interface TrailScope {
  workspace?: string | undefined;
  serverChain?: boolean | undefined;
}

export interface TrailListFilters {
  /** ISO timestamp (parsed from --since by the command). */
  since?: string | undefined;
  who?: string | undefined;
  action?: string | undefined;
  limit?: number | undefined;
  before?: string | undefined;
}

/**
 * Where `crossbar trail …` reads the trail: the team server (signed in with `crossbar login`), or a team database
 * directly (`--db`, for an auditor with a copy; nothing is written to it). The commands do not care which.
 */
export interface TrailSource {
  /** For messages: `the server https://…` or `the database /path/team.db`. */
  where: string;
  list(scope: TrailScope, filters: TrailListFilters): Promise<{ entries: TrailRecord[]; next?: string | undefined }>;
  /** Verified where the trail is (the server verifies its own database; --db here). */
  verify(scope: TrailScope, anchors?: AnchorSet): Promise<TrailVerification>;
  head(scope: TrailScope): Promise<HeadDocument>;
  /** Writes the export a chunk at a time. */
  export(
    scope: TrailScope,
    options: { format: TrailExportFormat; since?: string | undefined },
    write: (chunk: string) => void | Promise<void>,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Heads exported earlier (`--head FILE`) and the file's name. */
export interface AnchorSet {
  heads: ReadonlyMap<string, { seq: number; hash: string }>;
  source: string;
}
