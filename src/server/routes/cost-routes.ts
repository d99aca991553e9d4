import type { Hono } from 'hono';
import {
  buildCostReport,
  DEFAULT_MONTHS,
  fetchCost,
  groupingLabel,
  MAX_MONTHS,
  parseGroupings,
  readCostCache,
  resolveRange,
  writeCostCache,
  type CostCacheKey,
  type CostData,
  type CostGrouping,
  type CostQuery,
} from '../../core/cost/index.js';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import { connectionKey } from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { vendingOf } from '../vending-of.js';
import { recordWorkspaceTrail, workspaceAccounts, workspaceFor, type WorkspaceAccess } from '../workspace-access.js';

/**
 * The bill of one workspace (issue 11 item 7): `GET /api/workspaces/:ws/cost?by=account|service|region|ou|tag:KEY&
 * months=N[&refresh=1]` (viewer+, `cost.read`). `crossbar cost`'s core: one GetCostAndUsage through the workspace's
 * connection (the connection's own identity must be the payer account's, as the CLI's source must), filtered on
 * LINKED_ACCOUNT to the accounts the workspace reaches, so that no group, total or mover ever includes another
 * workspace's spend; then the same report (months, month-over-month change, top movers). Answers are cached for a
 * day per connection and question in the server's CROSSBAR_HOME, as the CLI caches them; `refresh=1` asks again.
 */
export function registerCostRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/cost', async (c) => {
    const access = await workspaceFor(c, c.req.param('ws'), 'cost.read');
    let details: Record<string, unknown> = {};
    try {
      const by = groupingsOf(c.req.query('by'));
      const months = monthsOf(c.req.query('months'));
      details = { by: by.map(groupingLabel).join(','), months };
      const answer = await loadWorkspaceCost(c, access, by, months, c.req.query('refresh') === '1');
      await recordWorkspaceTrail(c, access, {
        action: 'cost.read',
        outcome: 'ok',
        details: { ...details, cached: answer.cached_age_ms !== null },
      });
      return c.json(answer);
    } catch (err) {
      if (isCrossbarError(err))
        await recordWorkspaceTrail(c, access, {
          action: 'cost.read',
          outcome: err.code === 'USAGE' ? 'denied' : 'failed',
          details: { ...details, code: err.code, reason: err.message },
        });
      throw err;
    }
  });
}

function groupingsOf(text: string | undefined): CostGrouping[] {
  try {
    return parseGroupings(text ?? 'account');
  } catch (err) {
    if (!isCrossbarError(err)) throw err;
    throw new CrossbarError('USAGE', err.message.replace('--by', '?by='), {
      hint: (err.hint ?? '').replace(/--by /g, '?by='),
    });
  }
}

function monthsOf(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MONTHS;
  const n = Number(text);
  if (!/^\d{1,2}$/.test(text) || n < 1 || n > MAX_MONTHS)
    throw new CrossbarError('USAGE', `?months=${text.slice(0, 16)} is not a number of months`, {
      hint: `a whole number from 1 to ${MAX_MONTHS}: the full months before this one, plus this month to date`,
    });
  return n;
}

async function loadWorkspaceCost(
  c: AppContext,
  access: WorkspaceAccess,
  by: CostGrouping[],
  months: number,
  refresh: boolean,
) {
  const deps = c.get('deps');
  const crossbar = deps.crossbar;
  const accounts = workspaceAccounts(c, access);
  if (!crossbar) throw new CrossbarError('ERROR', 'the server has a registry but no crossbar root');
  const now = deps.now();
  const query: CostQuery = {
    by,
    ...resolveRange({ months: String(months) }, 'monthly', now),
    granularity: 'monthly',
    metric: 'NetUnblendedCost',
    accounts: accounts.map((a) => a.id).sort(),
  };
  const { connection } = access.workspace;
  const key: CostCacheKey = {
    query,
    payer: `workspace-connection:${connectionKey(connection)}`,
    endpoint: crossbar.endpoint,
  };
  let data: CostData | undefined;
  let ageMs: number | null = null;
  const hit = refresh ? undefined : readCostCache(deps.home, key, now);
  if (hit) {
    data = hit.data;
    ageMs = hit.ageMs;
  } else {
    const vending = vendingOf(c);
    const credentials = await vending.connectionCredentials(connection);
    const caller = await crossbar.callerIdentity(credentials);
    data = await fetchCost(query, {
      credentials,
      endpoint: crossbar.endpoint,
      payer: {
        accountId: caller.accountId,
        label: caller.accountId,
        via: `the connection of workspace ${access.workspace.name}`,
      },
    });
    writeCostCache(deps.home, key, data, now);
  }
  const report = buildCostReport(query, data, { accounts, now });
  return {
    workspace: access.workspace.name,
    months,
    accounts: accounts.map((a) => ({ id: a.id, name: a.name, ...(a.stage ? { stage: a.stage } : {}) })),
    cached_age_ms: ageMs,
    report,
  };
}
