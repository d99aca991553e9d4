import type { AuditReport } from '../../core/audit/index.js';
import { toSarif } from '../../core/audit/index.js';
import { SEVERITIES, type Finding, type Severity } from '../../core/audit/index.js';
import type { CliContext } from '../context.js';
import { render } from '../render/renderer.js';
import { renderTable } from '../render/table.js';

/** How `crossbar audit` prints a report: a table grouped by severity, JSON, or SARIF; "not covered" in each. */
export type AuditFormat = 'table' | 'json' | 'sarif';

function paint(ctx: CliContext, severity: Severity, text: string): string {
  const c = ctx.colors;
  return severity === 'critical'
    ? c.bold(c.red(text))
    : severity === 'high'
      ? c.red(text)
      : severity === 'medium'
        ? c.yellow(text)
        : c.cyan(text);
}

export function auditJson(report: AuditReport, version: string): Record<string, unknown> {
  return {
    version,
    accounts: report.accounts,
    covered: report.collected.map((a) => ({ id: a.accountId, name: a.name })),
    notCovered: report.notCovered,
    summary: Object.fromEntries(SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length])),
    findings: report.findings,
    acceptedExceptions: report.exceptions,
    organization: { id: report.org.id ?? null, managementAccountId: report.org.managementAccountId ?? null },
    trustEdges: report.graph.edges.length,
  };
}

function tableLines(ctx: CliContext, report: AuditReport): string[] {
  const lines: string[] = [];
  for (const severity of SEVERITIES) {
    const group: Finding[] = report.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    lines.push(paint(ctx, severity, `${severity.toUpperCase()} (${group.length})`));
    const rows = group.map((f) => [f.id, f.accountName, f.resource, f.title]);
    lines.push(
      ...renderTable([{ header: 'RULE' }, { header: 'ACCOUNT' }, { header: 'RESOURCE' }, { header: 'FINDING' }], rows, {
        indent: '  ',
        header: ctx.colors.dim,
      }),
    );
    lines.push('');
  }
  if (report.findings.length === 0) lines.push(ctx.colors.green('no findings'), '');
  if (report.notCovered.length > 0) {
    lines.push(ctx.colors.red(`NOT COVERED (${report.notCovered.length})`));
    lines.push(
      ...renderTable(
        [{ header: 'ACCOUNT' }, { header: 'ID' }, { header: 'CODE' }, { header: 'REASON' }, { header: 'MESSAGE' }],
        report.notCovered.map((n) => [n.accountName, n.accountId, n.code, n.reason, n.message]),
        { indent: '  ', header: ctx.colors.dim },
      ),
    );
    lines.push('');
  }
  if (report.exceptions.length > 0) {
    lines.push(
      ctx.colors.dim(
        `accepted exceptions (${report.exceptions.length}): ${[...new Set(report.exceptions.map((e) => e.rule))].join(', ')} — see --format json`,
      ),
    );
  }
  return lines;
}

export function printAuditReport(ctx: CliContext, format: AuditFormat, report: AuditReport, version: string): void {
  if (format === 'sarif') {
    // SARIF is the audit's own report format: one document for code-scanning tools, not a rendering of rows.
    const sarif = toSarif({
      findings: report.findings,
      notCovered: report.notCovered,
      exceptions: report.exceptions,
      version,
    });
    ctx.out(JSON.stringify(sarif, null, 2));
    return;
  }
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns: [],
      document: () => auditJson(report, version),
      table: () =>
        tableLines(ctx, report)
          .map((line) => `${line}\n`)
          .join(''),
    },
    report.findings,
  );
}

export function summaryLine(report: AuditReport): string {
  const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const covered = `${report.collected.length}/${report.accounts} accounts covered`;
  return `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${counts.length ? ` (${counts.join(', ')})` : ''}, ${covered}${report.notCovered.length ? `, ${report.notCovered.length} not covered` : ''}`;
}
