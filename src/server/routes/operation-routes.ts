import type { Hono } from 'hono';
import {
  findOperation,
  matchesOperationQuery,
  operationQueryRank,
  resolveService,
  SERVICES,
  serviceCatalog,
  type OperationEntry,
} from '../../core/aws-clients/index.js';
import { CrossbarError } from '../../core/errors.js';
import { requireReadOperation } from '../../core/team/index.js';
import type { AppEnv } from '../app-env.js';
import { requireUser } from '../auth/authenticate.js';

const LIMIT_DEFAULT = 100;
const LIMIT_MAX = 1000;

/**
 * The operations a run through the server may call (issue 11 item 5), for the web UI's picker:
 * `GET /api/operations?q=&service=&limit=` (any signed-in user) → `{ operations: [{ service, operation, global,
 * paginated, why, parameters: [{ name, type, required }] }], total, truncated }`: the read operations only, decided
 * from the service models as `crossbar run` and `POST …/runs` decide (operationAccess), with the parameters
 * `validateInput` checks a run against. `?service=iam&operation=CreateUser` asks for one operation by any spelling:
 * a write is refused (403, the reason `POST …/runs` gives), an unknown one 400 with the nearest names.
 * Nothing here touches AWS or a workspace, so nothing is trailed.
 */
export function registerOperationRoutes(app: Hono<AppEnv>): void {
  app.get('/api/operations', async (c) => {
    requireUser(c);
    const service = c.req.query('service');
    const operation = c.req.query('operation');
    if (operation !== undefined) {
      if (!service)
        throw new CrossbarError('USAGE', '?operation= needs ?service=', {
          hint: 'e.g. ?service=ec2&operation=DescribeInstances',
        });
      const found = await findOperation(text(service, 'service', 64), text(operation, 'operation', 128));
      requireReadOperation(found);
      const entry = (await serviceCatalog(found.service)).find((e) => e.operation === found.name);
      return c.json({ operations: entry ? [view(entry)] : [], total: entry ? 1 : 0, truncated: false });
    }
    const specs = service ? [resolveService(text(service, 'service', 64))] : SERVICES;
    const query = text(c.req.query('q') ?? '', 'q', 200);
    const limit = limitOf(c.req.query('limit'));
    const found: OperationEntry[] = [];
    for (const spec of specs)
      for (const entry of await serviceCatalog(spec))
        if (entry.read && matchesOperationQuery(entry, query)) found.push(entry);
    // Stable: within a rank, the services' order and each service's operations by name.
    found.sort((a, b) => operationQueryRank(a, query) - operationQueryRank(b, query));
    return c.json({
      operations: found.slice(0, limit).map(view),
      total: found.length,
      truncated: found.length > limit,
    });
  });
}

function view(entry: OperationEntry): Record<string, unknown> {
  return {
    service: entry.service,
    operation: entry.operation,
    global: entry.global,
    paginated: entry.paginated,
    why: entry.why,
    parameters: entry.parameters,
  };
}

function text(value: string, name: string, max: number): string {
  if (value.length > max)
    throw new CrossbarError('INVALID', `?${name}= is longer than ${max} characters`, { hint: `shorten ?${name}=` });
  return value;
}

function limitOf(value: string | undefined): number {
  if (value === undefined) return LIMIT_DEFAULT;
  const n = Number(value);
  if (!/^\d{1,5}$/.test(value) || n < 1 || n > LIMIT_MAX)
    throw new CrossbarError('INVALID', `?limit= must be a whole number from 1 to ${LIMIT_MAX}`, {
      hint: `e.g. ?limit=${LIMIT_DEFAULT}`,
    });
  return n;
}
