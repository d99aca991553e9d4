import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { homeOf } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import { SEVERITIES, type Severity } from '../../core/audit/index.js';
import type { CliContext } from '../context.js';
import {
  addFanoutFlags,
  finishFanout,
  openFanout,
  parseFanoutFlags,
  plural,
  SELECTOR_HELP,
  withProgress,
  type FanoutFlags,
  type FanoutFlagSpec,
} from '../fanout-command.js';
import type { CliRuntime } from '../runtime.js';
import type { AuditFormat } from './audit-output.js';

/**
 * `crossbar audit [SELECTOR] [--fail-on SEVERITY] [--format table|json|sarif]`: reads IAM in every selected
 * account (and the source's own account when auditing everything), builds the trust graph, prints findings.
 * Exit 1 when an account could not be read (it is listed as not covered) or a finding is at or above
 * --fail-on; 2 for bad usage; 130 on Ctrl-C. `audit who-can TARGET` and `audit trail` are subcommands.
 */
export interface AuditFlags extends FanoutFlags {
  failOn?: string;
  format?: string;
  source: boolean;
}

const AUDIT_FLAGS: FanoutFlagSpec = {
  name: 'audit',
  concurrency: { default: 32, help: 'accounts read at once' },
  timeout: { default: 120, help: 'per account' },
  role: "the role to read each account with (default: each account's default role)",
  mfaCode: true,
};

function failOnOf(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  const found = SEVERITIES.find((s) => s === value);
  if (!found) throw new CrossbarError('USAGE', `--fail-on must be one of ${SEVERITIES.join(', ')} (got '${value}')`);
  return found;
}

/** --format wins; else -o json; else a table on a terminal and JSON when piped. */
function formatOf(ctx: CliContext, flag: string | undefined): AuditFormat {
  if (flag === 'table' || flag === 'json' || flag === 'sarif') return flag;
  if (ctx.output === 'table' || ctx.output === 'json') return ctx.output;
  if (ctx.output !== undefined)
    throw new CrossbarError('USAGE', `audit prints table, json or sarif (got -o ${ctx.output})`, {
      hint: 'use --format table|json|sarif',
    });
  return ctx.io.stdout.isTTY ? 'table' : 'json';
}

export function credentialsFilePath(env: Readonly<Record<string, string | undefined>>): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || join(homeOf(env), '.aws', 'credentials');
}

export async function runAudit(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: AuditFlags,
  version: string,
): Promise<number> {
  const failOn = failOnOf(flags.failOn);
  const format = formatOf(
    ctx,
    flags.format ?? (command.optsWithGlobals<{ output?: string }>().output === 'sarif' ? 'sarif' : undefined),
  );
  const limits = parseFanoutFlags(flags, AUDIT_FLAGS);
  const [{ runAudit: audit }, { printAuditReport, summaryLine }, { severityRank }] = await Promise.all([
    import('../../core/audit/index.js'),
    import('./audit-output.js'),
    import('../../core/audit/index.js'),
  ]);
  const fan = await openFanout(ctx, command, selector, flags, {
    includeSource: flags.source,
    skipSourceCheck: true,
  });
  ctx.err(ctx.colors.dim(`audit of ${plural(fan.accounts.length, 'account')} (IAM, trust policies, access keys, MFA)`));
  const localFile = credentialsFilePath(ctx.io.env);
  const report = await withProgress(ctx, (onProgress) =>
    audit(fan.crossbar, {
      accounts: fan.accounts,
      concurrency: limits.concurrency,
      timeoutMs: limits.timeoutMs,
      signal: fan.signal,
      onProgress,
      ...(existsSync(localFile) ? { localCredentialsFile: localFile } : {}),
    }),
  );
  printAuditReport(ctx, format, report, version);
  const failing =
    failOn === undefined ? [] : report.findings.filter((f) => severityRank(f.severity) <= severityRank(failOn));
  return finishFanout(ctx, {
    failed: report.notCovered.length > 0 || failing.length > 0,
    text: summaryLine(report),
    elapsedMs: report.elapsedMs,
    ...(failing.length > 0 ? { failure: ` — ${failing.length} at or above --fail-on ${failOn ?? ''}` } : {}),
    interrupted: report.interrupted,
  });
}

export function defineAudit(command: Command, runtime: CliRuntime): void {
  const version = command.parent?.version() ?? '0.0.0';
  command
    .argument('[selector]', SELECTOR_HELP)
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity (for CI)').choices(
        SEVERITIES,
      ),
    )
    .addOption(
      new Option(
        '--format <format>',
        'table, json or sarif (default: table on a terminal, json when piped; -o json works too)',
      ).choices(['table', 'json', 'sarif']),
    )
    .option('--no-source', "do not audit the source's own account when auditing everything");
  addFanoutFlags(command, AUDIT_FLAGS)
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  crossbar audit',
        '  crossbar audit stage=prod --fail-on high --format sarif > audit.sarif',
        '  crossbar audit who-can production:administrator',
        '',
        'Accounts that cannot be read are listed as "not covered" with the reason, and make the exit code 1.',
      ].join('\n'),
    )
    .action((selector: string | undefined, flags: AuditFlags, cmd: Command) =>
      runtime.run(cmd, (ctx) => runAudit(ctx, cmd, selector, flags, version)),
    );
}
