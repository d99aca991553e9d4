/** The team server: `createApp(deps)` (never listens) and `listen(app, …)` for `crossbar serve`. */
export { createApp } from './create-app.js';
export { listen, type Listening } from './listen.js';
export type { ServerDeps } from './server-deps.js';
export type { AppEnv, Principal } from './app-env.js';
export { issueSetupToken } from './auth/setup-token.js';
export { runHubOf, recoverRuns } from './runs/run-hub-of.js';
export { workspaceChangesOf, type WorkspaceChange } from './changes/workspace-changes.js';
export type { RunHub } from './runs/run-hub.js';
export { findWebRoot } from './web-root.js';
