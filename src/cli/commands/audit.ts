import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { homeOf } from '../../core/config-location.js';
import type { RegistryAccount, RegistryRole } from '../../core/config/registry.js';
import type { Crossbar } from '../../core/crossbar.js';
import type { Credentials } from '../../core/credentials/credentials.js';
import { CrossbarError } from '../../core/errors.js';
import type { FanoutAccount } from '../../core/fanout/types.js';
import { SEVERITIES, type Severity } from '../../core/audit/types.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../main.js';
import { openCrossbarFor, type HopFlags } from '../open-crossbar.js';
import { createProgressBar } from '../render/progress.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from '../report-error.js';
import type { AuditFormat } from './audit-output.js';

/**
 * `crossbar audit [SELECTOR] [--fail-on SEVERITY] [--format table|json|sarif]`: reads IAM in every selected
 * account (and the source's own account when auditing everything), builds the trust graph, prints findings.
 * Exit 1 when an account could not be read (it is listed as not covered) or a finding is at or above
 * --fail-on; 2 for bad usage; 130 on Ctrl-C. `audit who-can TARGET` and `audit trail` are subcommands.
 */
export interface AuditFlags extends HopFlags {
  failOn?: string;
  format?: string;
  role?: string;
  concurrency: string;
  timeout: string;
  source: boolean;
}

const SOURCE_KEY = '(source)';

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CrossbarError('USAGE', `${flag} must be a whole number from ${min} to ${max} (got '${text}')`, {
      exitCode: 2,
    });
  return n;
}

function failOnOf(value: string | undefined): Severity | undefined {
  if (value === undefined) return undefined;
  const found = SEVERITIES.find((s) => s === value);
  if (!found)
    throw new CrossbarError('USAGE', `--fail-on must be one of ${SEVERITIES.join(', ')} (got '${value}')`, {
      exitCode: 2,
    });
  return found;
}

/** --format wins; else -o json; else a table on a terminal and JSON when piped. */
function formatOf(ctx: CliContext, flag: string | undefined): AuditFormat {
  if (flag === 'table' || flag === 'json' || flag === 'sarif') return flag;
  if (ctx.output === 'table' || ctx.output === 'json') return ctx.output;
  if (ctx.output !== undefined)
    throw new CrossbarError('USAGE', `audit prints table, json or sarif (got -o ${ctx.output})`, {
      hint: 'use --format table|json|sarif',
      exitCode: 2,
    });
  return ctx.io.stdout.isTTY ? 'table' : 'json';
}

export function credentialsFilePath(env: Readonly<Record<string, string | undefined>>): string {
  return env['AWS_SHARED_CREDENTIALS_FILE'] || join(homeOf(env), '.aws', 'credentials');
}

/** The source's own account, read with the source's credentials: where the people (users, groups) live. */
export async function sourceAccount(crossbar: Crossbar): Promise<FanoutAccount> {
  const source = await crossbar.sourceIdentity();
  const role: RegistryRole = {
    key: SOURCE_KEY,
    name: SOURCE_KEY,
    arn: source.arn,
    mfa: 'none',
    confirm: false,
    profileName: '',
  };
  const account: RegistryAccount = {
    id: source.accountId,
    name: `source:${source.accountId}`,
    color: 'blue',
    tags: {},
    regions: ['us-east-1'],
    roles: [role],
    defaultRole: role,
  };
  return { account, role };
}

export async function sourceCredentialsFor(
  ctx: CliContext,
  crossbar: Crossbar,
): Promise<(fa: FanoutAccount) => Promise<Credentials>> {
  const [{ resolveSourceProvider }, { sourceEnv }] = await Promise.all([
    import('../../core/credentials/index.js'),
    import('../config-context.js'),
  ]);
  const config = crossbar.config;
  const source = resolveSourceProvider({
    env: sourceEnv(ctx.io.env),
    region: config.source.region ?? 'us-east-1',
    ...(config.source.profile ? { profile: config.source.profile } : {}),
    ...(crossbar.endpoint ? { endpoint: crossbar.endpoint } : {}),
  });
  return (fa) => (fa.role.key === SOURCE_KEY ? source.provider() : crossbar.credentials(fa));
}

export async function selectFanoutAccounts(
  crossbar: Crossbar,
  selector: string | undefined,
  flags: AuditFlags,
): Promise<FanoutAccount[]> {
  const { roleFor } = await import('./run.js');
  const accounts = crossbar
    .selectAccounts(selector)
    .map((account): FanoutAccount => ({ account, role: roleFor(account, flags.role) }));
  // Everything (no selector, or `all`) includes the source's account unless it is already in the registry.
  if (flags.source && (selector === undefined || selector === 'all')) {
    const source = await sourceAccount(crossbar);
    if (!accounts.some((a) => a.account.id === source.account.id)) accounts.unshift(source);
  }
  if (accounts.length === 0)
    throw new CrossbarError('USAGE', `no account matches '${selector ?? ''}'`, { exitCode: 2 });
  return accounts;
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
  const concurrency = wholeNumber('--concurrency', flags.concurrency, 1, 1024);
  const timeoutMs = wholeNumber('--timeout', flags.timeout, 1, 3600) * 1000;
  const [{ runAudit: audit }, { printAuditReport, summaryLine }, { severityRank }] = await Promise.all([
    import('../../core/audit/run-audit.js'),
    import('./audit-output.js'),
    import('../../core/audit/rules.js'),
  ]);
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const accounts = await selectFanoutAccounts(crossbar, selector, flags);
  const credentialsFor = await sourceCredentialsFor(ctx, crossbar);
  const stop = ctx.handleInterrupts();
  ctx.err(
    ctx.colors.dim(
      `audit of ${accounts.length} account${accounts.length === 1 ? '' : 's'} (IAM, trust policies, access keys, MFA)`,
    ),
  );
  const bar = createProgressBar(ctx.io.stderr, { colors: ctx.colors });
  const localFile = credentialsFilePath(ctx.io.env);
  let report;
  try {
    report = await audit({
      accounts,
      registry: crossbar.registry,
      credentialsFor,
      endpoint: crossbar.endpoint,
      concurrency,
      timeoutMs,
      signal: stop,
      onProgress: (p) => bar.update(p),
      now: () => crossbar.now(),
      ...(existsSync(localFile) ? { localCredentialsFile: localFile } : {}),
    });
  } finally {
    bar.stop();
  }
  printAuditReport(ctx, format, report, version);
  const failing =
    failOn === undefined ? [] : report.findings.filter((f) => severityRank(f.severity) <= severityRank(failOn));
  const bad = report.notCovered.length > 0 || failing.length > 0;
  ctx.err(
    `${bad ? ctx.colors.red('✗') : ctx.colors.green('✓')} ${summaryLine(report)}${ctx.colors.dim(` in ${(report.elapsedMs / 1000).toFixed(1)}s`)}${failing.length ? ctx.colors.red(` — ${failing.length} at or above --fail-on ${failOn ?? ''}`) : ''}`,
  );
  if (report.interrupted) return EXIT_INTERRUPTED;
  return bad ? EXIT_FAILED : EXIT_OK;
}

/** Calls `registerAuditTrail(audit, runtime)` of ./audit-trail.js when that module is there. */
async function registerTrail(audit: Command, runtime: CliRuntime): Promise<void> {
  try {
    const mod: { registerAuditTrail?: (command: Command, runtime: CliRuntime) => void } =
      await import('./audit-trail.js');
    mod.registerAuditTrail?.(audit, runtime);
  } catch (err) {
    if (!(err instanceof Error && 'code' in err && err.code === 'ERR_MODULE_NOT_FOUND')) throw err;
  }
}

export async function registerAuditCommand(program: Command, runtime: CliRuntime): Promise<void> {
  const version = program.version() ?? '0.0.0';
  const audit = program
    .command('audit')
    .description('audit cross-account trust and credentials: findings by severity, with evidence and a fix')
    .argument(
      '[selector]',
      'which accounts: names, ids, globs, stage=prod, tag:team=x, workspace=w, all (default); ! excludes',
    )
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
    .option('--role <role>', "the role to read each account with (default: each account's default role)")
    .option('--no-source', "do not audit the source's own account when auditing everything")
    .option('--concurrency <n>', 'accounts read at once', '32')
    .option('--timeout <seconds>', 'per account', '120')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)')
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
  (await import('./audit-who-can.js')).registerWhoCan(audit, runtime);
  await registerTrail(audit, runtime);
}
