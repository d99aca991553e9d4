import type { Hono } from 'hono';
import {
  buildTrustGraph,
  evaluateRules,
  orgViewOf,
  sortFindings,
  whoCan,
  type TrustEdge,
} from '../../core/audit/index.js';
import { parseSince, runTrail } from '../../core/audit/trail/index.js';
import { CrossbarError, isCrossbarError } from '../../core/errors.js';
import { accountRole, type WorkspaceAction } from '../../core/team/index.js';
import type { AppContext, AppEnv } from '../app-env.js';
import { notFound } from '../http-error.js';
import { collectWorkspace, workspaceAudit } from '../workspace-audit.js';
import { recordWorkspaceTrail, workspaceFor, type WorkspaceAccess } from '../workspace-access.js';

/**
 * The audit of one workspace (issue 11 item 8), `findings.read` (viewer+), each reading only the workspace's
 * accounts, with each account's default role vended for the member (workspace-audit.ts):
 * - `GET /api/workspaces/:ws/findings`: `crossbar audit`'s findings by severity with evidence and fix, the accepted
 *   exceptions, the accounts not covered, and each account's roles (for who-can);
 * - `GET …/who-can?account=NAME&role=ROLE`: `crossbar audit who-can`: who can assume the role, via what, needing
 *   what (MFA, ExternalId); `role` is a registry role key or an IAM role name of that account;
 * - `GET …/trust-usage?since=7d`: `crossbar audit trail`'s join of CloudTrail with the trust graph: the trusts used
 *   (count, last use, by whom), those nobody used in the window, those whose use is unknown (a trail not read).
 */
export function registerFindingsRoutes(app: Hono<AppEnv>): void {
  app.get('/api/workspaces/:ws/findings', (c) =>
    audited(c, 'findings.read', async (access) => {
      const audit = workspaceAudit(c, access);
      const read = await collectWorkspace(c, access, audit);
      const org = orgViewOf(read.collected);
      const graph = buildTrustGraph(read.collected, audit.root.registry, org);
      const { findings, exceptions } = evaluateRules({ collected: read.collected, graph, org });
      return {
        trail: { findings: findings.length, not_covered: read.notCovered.length },
        body: {
          workspace: access.workspace.name,
          read_at: new Date(read.at).toISOString(),
          accounts: read.collected.map((a) => ({
            id: a.accountId,
            name: a.name,
            roles: a.roles.map((r) => r.name).sort(),
          })),
          findings: sortFindings(findings).map((f) => ({ ...f, evidence: redactExternalIds(f.evidence) })),
          exceptions,
          not_covered: read.notCovered,
        },
      };
    }),
  );

  app.get('/api/workspaces/:ws/who-can', (c) =>
    audited(c, 'findings.read', async (access) => {
      const audit = workspaceAudit(c, access);
      const accountRef = c.req.query('account') ?? '';
      const roleRef = c.req.query('role') ?? '';
      const account = audit.accounts.find((a) => a.name === accountRef || a.id === accountRef);
      // An account outside the workspace is answered as one that does not exist.
      if (!account) throw notFound(`the account ${accountRef.slice(0, 64)} in ${access.workspace.name}`);
      if (!/^[\w+=,.@-]{1,64}$/.test(roleRef))
        throw new CrossbarError('USAGE', `?role=${roleRef.slice(0, 64)} is not a role name`, {
          hint: 'give a role key of the registry (admin) or an IAM role name (CrossbarReadOnly)',
        });
      const roleArn = accountRole(account, roleRef)?.arn ?? `arn:aws:iam::${account.id}:role/${roleRef}`;
      const read = await collectWorkspace(c, access, audit);
      const org = orgViewOf(read.collected);
      const result = whoCan(roleArn, read.collected, buildTrustGraph(read.collected, audit.root.registry, org), org);
      if (!result) {
        const gap = read.notCovered.find((n) => n.accountId === account.id);
        throw new CrossbarError(
          gap ? 'DENIED' : 'UNKNOWN_ROLE',
          gap ? `could not read ${account.name}: ${gap.code} (${gap.reason})` : `no role ${roleRef} in ${account.name}`,
          { hint: gap ? gap.message : `the roles of ${account.name} are listed by GET …/findings (accounts[].roles)` },
        );
      }
      return {
        trail: { account: account.name, role: roleRef, can: result.entries.filter((e) => e.can).length },
        body: {
          workspace: access.workspace.name,
          account: { id: account.id, name: account.name },
          role_arn: result.roleArn,
          entries: result.entries,
          not_covered: read.notCovered,
        },
      };
    }),
  );

  app.get('/api/workspaces/:ws/trust-usage', (c) =>
    audited(c, 'findings.read', async (access) => {
      const since = c.req.query('since') ?? '7d';
      const window = parseSince(since.slice(0, 40), c.get('deps').now());
      const audit = workspaceAudit(c, access);
      const report = await runTrail(audit.root, {
        accounts: audit.targets,
        window,
        concurrency: 8,
        timeoutMs: 60_000,
      });
      const notCovered = [
        ...report.notCovered,
        ...audit.skipped.map((s) => ({ ...s, region: '*', what: 'iam' as const })),
      ];
      const { join } = report;
      return {
        trail: { since, used: join.used.length, unused: join.unused.length },
        body: {
          workspace: access.workspace.name,
          since,
          window: { start: new Date(window.startMs).toISOString(), end: new Date(window.endMs).toISOString() },
          used: join.used.map((u) => ({
            ...edgeView(u.edge),
            count: u.count,
            last_used: u.lastUsed ?? null,
            by: u.by,
            inferred: u.inferred,
          })),
          unused: join.unused.map(edgeView),
          unknown_use: join.unknownUse.map(edgeView),
          assumptions: report.assumptions.length,
          unknown_principals: join.unknownPrincipals.map((a) => ({
            time: a.time,
            account: a.accountName ?? a.accountId,
            role: a.roleName ?? null,
            who: a.who,
            from: a.principal.accountId,
          })),
          not_covered: notCovered,
        },
      };
    }),
  );
}

/**
 * A trust statement's ExternalId is the secret agreed with a third party (the confused-deputy guard): the evidence
 * says that one is required, never which. Members who may use the role get it through their hops, not from here.
 */
export function redactExternalIds(evidence: string): string {
  return evidence.replace(/("sts:ExternalId"\s*:\s*)(\[[^\]]*\]|"(?:[^"\\]|\\.)*")/gi, '$1"(redacted)"');
}

function edgeView(e: TrustEdge) {
  return {
    account_id: e.accountId,
    role: e.roleName,
    role_arn: e.roleArn,
    principal: e.principal.id,
    kind: e.principal.kind,
    conditions: [
      e.conditions.mfa ? 'MFA' : '',
      e.conditions.externalId ? 'ExternalId' : '',
      e.conditions.principalOrg ? 'PrincipalOrgID' : '',
      e.conditions.sourceAccount ? 'SourceAccount' : '',
      e.conditions.sourceArn ? 'SourceArn' : '',
    ].filter(Boolean),
  };
}

/**
 * One audit read for the member: the workspace and the action checked, the answer, and an entry in the workspace's
 * trail (the read is done under the member's name in AWS too), allowed or failed.
 */
async function audited(
  c: AppContext,
  action: WorkspaceAction,
  answer: (access: WorkspaceAccess) => Promise<{ trail: Record<string, unknown>; body: unknown }>,
): Promise<Response> {
  const access = await workspaceFor(c, c.req.param('ws') ?? '', action);
  const what = new URL(c.req.url).pathname.split('/').pop() ?? '';
  try {
    const { trail, body } = await answer(access);
    await recordWorkspaceTrail(c, access, { action, outcome: 'ok', target: what, details: trail });
    return c.json(body);
  } catch (err) {
    if (isCrossbarError(err))
      await recordWorkspaceTrail(c, access, {
        action,
        outcome: err.code === 'USAGE' || err.code === 'NOT_FOUND' ? 'denied' : 'failed',
        target: what,
        details: { code: err.code, reason: err.message },
      });
    throw err;
  }
}
