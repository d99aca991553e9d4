/**
 * The CLI's exit codes, DESIGN.md's: 2 usage, 1 failure, 130 interrupted. A module of its own so that the fast
 * paths (fast-path.ts) need not load report-error.ts, which brings commander.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;
