import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerAuthRoutes } from './routes/auth-routes.js';
import { registerTokenRoutes } from './routes/token-routes.js';
import { registerWorkspaceRoutes } from './routes/workspace-routes.js';
import { registerMemberRoutes } from './routes/member-routes.js';
import { registerShortcutRoutes } from './routes/shortcut-routes.js';
import { registerTrailRoutes } from './routes/trail-routes.js';
import { registerTotpRoutes } from './routes/totp-routes.js';
import { registerCredentialRoutes } from './routes/credential-routes.js';
import { registerRunRoutes } from './routes/run-routes.js';
import { registerCostRoutes } from './routes/cost-routes.js';
import { registerFindingsRoutes } from './routes/findings-routes.js';
import { registerInventoryRoutes } from './routes/inventory-routes.js';
import { registerOperationRoutes } from './routes/operation-routes.js';
import { registerSelectionRoutes } from './routes/selection-routes.js';
import { registerChangeRoutes } from './routes/change-routes.js';
import { registerWebRoutes } from './routes/web-routes.js';

/** Every route module of the API, in one list: adding an area is one module and one line here. */
export const ROUTES: readonly ((app: Hono<AppEnv>) => void)[] = [
  registerHealthRoutes,
  registerAuthRoutes,
  registerTokenRoutes,
  registerWorkspaceRoutes,
  registerMemberRoutes,
  registerShortcutRoutes,
  registerTrailRoutes,
  registerTotpRoutes,
  registerCredentialRoutes,
  registerRunRoutes,
  registerCostRoutes,
  registerFindingsRoutes,
  registerInventoryRoutes,
  registerOperationRoutes,
  registerSelectionRoutes,
  registerChangeRoutes,
  // Last: the web UI answers every other GET with the app.
  registerWebRoutes,
];
