/**
 * The limits of a read-only query, the same for `crossbar query` and the team server's SQL box: at most this many
 * rows (one more stops the query, saying so) and this long (past it the query's process is ended). The CLI lets its
 * user raise them with --max-rows and --timeout; the server takes them as ceilings.
 */
export const QUERY_LIMITS = { maxRows: 10_000, timeoutSeconds: 30 } as const;
