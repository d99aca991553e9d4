import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type {
  AppliedAccount,
  BootstrapAction,
  BootstrapPlan,
  BootstrapSpec,
  RenderedFile,
} from '../../core/bootstrap/index.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { canPrompt, terminalAsk } from '../prompt.js';
import { resolveOutputFormat, type Column } from '../render/output.js';
import { render } from '../render/renderer.js';
import { EXIT_FAILED, EXIT_OK } from '../report-error.js';

/**
 * `crossbar bootstrap [SELECTOR]`: the cross-account roles of crossbar.yaml, set up correctly (seeds 002, 004).
 * `--format` writes them as CloudFormation, Terraform or raw JSON policies; without it, the plan of what
 * `--apply` would change, read from every account; `--apply` shows that plan, asks, and applies it.
 */
export interface BootstrapFlags {
  format?: 'cloudformation' | 'terraform' | 'json';
  out?: string;
  apply?: boolean;
  yes?: boolean;
  via: string;
  principal?: string[];
  trustRoot?: boolean;
  addUser?: string[];
  templates: 'yaml' | 'json';
  concurrency: string;
  mfaCode?: string;
  replaceTrust?: boolean;
  dropTrustConditions?: boolean;
}

/** The core of bootstrap pulls in the IAM client: loaded when the command runs, not when main registers it. */
type Core = typeof import('../../core/bootstrap/index.js');

const collect = (value: string, prior: string[] = []) => [...prior, value];

function usage(message: string, hint?: string): CrossbarError {
  return new CrossbarError('USAGE', message, { ...(hint ? { hint } : {}) });
}

/** The wildcard decision is printed whatever the mode: it widens what the group may assume. */
function sizeNotes(core: Core, spec: BootstrapSpec): string[] {
  return spec.groups.flatMap((g) => {
    const policy = core.groupPolicy(g, spec);
    return policy.wildcard
      ? [
          `${g.name}: ${g.roleArns.length} role ARNs take ${policy.exactBytes} bytes, past IAM's ${core.GROUP_POLICY_LIMIT}-byte limit for a group's inline policies: using arn:${spec.partition}:iam::*:role/NAME patterns (${policy.bytes} bytes)`,
        ]
      : [];
  });
}

function renderFiles(core: Core, spec: BootstrapSpec, flags: BootstrapFlags): RenderedFile[] {
  switch (flags.format) {
    case 'cloudformation':
      return core.renderCloudFormation(spec, flags.templates);
    case 'terraform':
      return core.renderTerraform(spec, { via: flags.via });
    default:
      return core.renderJson(spec);
  }
}

function writeOut(ctx: CliContext, files: RenderedFile[], out: string | undefined): void {
  if (out === undefined) {
    // One file prints as it is (pipe it to jq); several get a header each.
    if (files.length === 1 && files[0]) ctx.io.stdout.write(files[0].content);
    else for (const f of files) ctx.io.stdout.write(`# ==> ${f.path} <==\n${f.content}\n`);
    return;
  }
  const root = resolve(ctx.io.cwd, out);
  for (const f of files) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
  }
  ctx.err(`wrote ${files.length} files under ${root}: ${files.map((f) => f.path).join(', ')}`);
}

interface PlanRow {
  account: string;
  id: string;
  side: string;
  change: string;
}

const MARK = { add: '+', remove: '-', keep: '=' } as const;

/** An action, and under a trust update each statement it adds, removes or keeps a condition of. */
function actionLines(core: Core, action: BootstrapAction): string[] {
  const head = core.describeAction(action);
  if (action.kind !== 'update-trust') return [head];
  return [head, ...action.changes.map((c) => `  ${MARK[c.change]} ${c.text}`)];
}

function planRows(core: Core, plan: BootstrapPlan): PlanRow[] {
  return plan.accounts.flatMap((a) => {
    const changes = a.actions.length === 0 ? ['nothing to do'] : a.actions.flatMap((x) => actionLines(core, x));
    return [...changes, ...a.notes.map((n) => `note: ${n}`)].map((change) => ({
      account: a.name,
      id: a.accountId,
      side: a.side,
      change,
    }));
  });
}

const PLAN_COLUMNS: Column<PlanRow>[] = [
  { key: 'account', header: 'ACCOUNT', value: (r) => r.account },
  { key: 'id', header: 'ID', value: (r) => r.id },
  { key: 'side', header: 'SIDE', value: (r) => r.side },
  { key: 'change', header: 'CHANGE', value: (r) => r.change },
];

function planDocument(core: Core, plan: BootstrapPlan, applied: AppliedAccount[] | null, spec: BootstrapSpec) {
  return {
    principals: spec.principals,
    changes: plan.accounts.reduce((n, a) => n + a.actions.length, 0),
    accounts: plan.accounts.map((a) => ({
      accountId: a.accountId,
      name: a.name,
      side: a.side,
      changes: a.actions.map(core.describeAction),
      trust: a.actions.flatMap((x) => (x.kind === 'update-trust' ? [{ role: x.role.name, changes: x.changes }] : [])),
      notes: a.notes,
      nothingToDo: a.actions.length === 0,
    })),
    unreachable: plan.unreachable,
    skipped: spec.skipped,
    applied,
  };
}

function printPlan(
  core: Core,
  ctx: CliContext,
  plan: BootstrapPlan,
  spec: BootstrapSpec,
  applied: AppliedAccount[] | null,
): void {
  const format = resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY);
  render(
    format,
    { stdout: ctx.io.stdout, err: ctx.err },
    {
      columns: PLAN_COLUMNS,
      document: () => planDocument(core, plan, applied, spec),
      tableOptions: { header: ctx.colors.bold },
    },
    planRows(core, plan),
  );
}

function reportUnreachable(ctx: CliContext, plan: BootstrapPlan, via: string): void {
  const { red } = ctx.colors;
  ctx.err(red(`✗ ${plan.unreachable.length} account(s) cannot be reached or read: nothing was changed in any account`));
  for (const u of plan.unreachable) {
    const how = u.name === 'source' ? 'with the source identity' : `through ${via}`;
    ctx.err(`  ${u.name} (${u.accountId}) ${how}: ${u.code}: ${u.message}${u.hint ? ` (${u.hint})` : ''}`);
  }
  ctx.err(
    `hint: every account must be reachable before bootstrap changes any: fix the access (or pass --via ROLE), or leave the account out with a selector such as '!${plan.unreachable[0]?.name ?? 'NAME'}'`,
  );
}

async function confirmApply(ctx: CliContext, plan: BootstrapPlan, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  const changes = plan.accounts.reduce((n, a) => n + a.actions.length, 0);
  const accounts = plan.accounts.filter((a) => a.actions.length > 0).length;
  if (!canPrompt(ctx.io))
    throw usage(
      `bootstrap --apply would make ${changes} changes in ${accounts} accounts and there is no terminal to confirm on: nothing was changed`,
      'pass --yes to apply without asking',
    );
  const answer = await terminalAsk(
    ctx.io,
    ctx.signal,
  )(`Apply ${changes} changes in ${accounts} accounts? Type yes to continue: `);
  return answer === 'yes';
}

export async function runBootstrap(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: BootstrapFlags,
): Promise<number> {
  if (flags.apply && flags.format)
    throw usage(
      '--apply and --format cannot be combined',
      'write the files with --format, or apply through IAM with --apply',
    );
  if (flags.out && !flags.format) throw usage('--out needs --format cloudformation|terraform|json');
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)
    throw usage(`--concurrency must be a whole number from 1 to 64 (got '${flags.concurrency}')`);
  const core: Core = await import('../../core/bootstrap/index.js');
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const accounts = crossbar.selectAccounts(selector);
  const principals = flags.principal ?? [core.principalFromCaller((await crossbar.sourceIdentity()).arn)];
  const spec = core.resolveBootstrapSpec(crossbar.registry, {
    accounts,
    principals,
    trustRoot: flags.trustRoot === true,
    addUsers: flags.addUser ?? [],
  });
  for (const note of sizeNotes(core, spec)) ctx.err(ctx.colors.yellow(note));
  for (const s of spec.skipped) ctx.err(ctx.colors.dim(`skipped ${s.account}:${s.role}: ${s.reason}`));
  if (flags.format) {
    writeOut(ctx, renderFiles(core, spec, flags), flags.out);
    return EXIT_OK;
  }
  const access = core.createIamAccess(crossbar, { via: flags.via });
  try {
    ctx.err(
      ctx.colors.dim(
        `reading IAM in ${new Set(spec.roles.map((r) => r.accountId)).size} accounts through ${flags.via}, and the source account ${spec.sourceAccountId}…`,
      ),
    );
    const plan = await core.planBootstrap(spec, access, {
      concurrency,
      signal: ctx.signal,
      replace: flags.replaceTrust === true,
      dropConditions: flags.dropTrustConditions === true,
    });
    if (plan.unreachable.length > 0) {
      // Machines get the document (with `unreachable`); a person gets the lines below, not an empty table.
      if (resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY) === 'json')
        printPlan(core, ctx, { accounts: [], unreachable: plan.unreachable }, spec, null);
      reportUnreachable(ctx, plan, flags.via);
      return EXIT_FAILED;
    }
    if (!flags.apply || !core.hasChanges(plan)) {
      printPlan(core, ctx, plan, spec, null);
      ctx.err(
        core.hasChanges(plan)
          ? 'plan only: run with --apply to make these changes'
          : ctx.colors.green('✓ nothing to do: every account is as crossbar.yaml says'),
      );
      return EXIT_OK;
    }
    if (resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY) === 'table') printPlan(core, ctx, plan, spec, null);
    if (!(await confirmApply(ctx, plan, flags.yes))) {
      ctx.err('not applied: nothing was changed');
      return EXIT_FAILED;
    }
    const applied = await core.applyBootstrap(plan, access, { concurrency, signal: ctx.signal });
    if (resolveOutputFormat(ctx.output, ctx.io.stdout.isTTY) !== 'table') printPlan(core, ctx, plan, spec, applied);
    const unfinished = applied.filter((a) => a.error);
    for (const f of unfinished)
      ctx.err(
        ctx.colors.red(`✗ ${f.name} (${f.accountId}): ${f.error?.action}: ${f.error?.code}: ${f.error?.message}`),
      );
    const done = applied.reduce((n, a) => n + a.done.length, 0);
    const notStarted = unfinished.filter((a) => a.error?.code === 'SKIPPED').length;
    const failed = unfinished.length - notStarted;
    ctx.err(
      `${unfinished.length > 0 ? ctx.colors.red('✗') : ctx.colors.green('✓')} ${done} changes applied in ${applied.filter((a) => a.done.length > 0).length} accounts, ${failed} failed${notStarted > 0 ? `, ${notStarted} not started` : ''}; check with \`crossbar accounts check\``,
    );
    if (unfinished.length > 0) return EXIT_FAILED;
    // The apply did what it planned; whether the source can now use it is the question the person came with.
    const { reportReachability } = await import('./bootstrap-reach.js');
    const reached = await reportReachability(ctx, crossbar, accounts, spec, flags.addUser ?? []);
    return reached ? EXIT_OK : EXIT_FAILED;
  } finally {
    access.close();
  }
}

export function defineBootstrapCommand(command: Command, runtime: CliRuntime): void {
  command
    .argument('[selector]', 'which accounts (default: all)')
    .addOption(
      new Option('--format <format>', 'write the roles and groups as files instead of planning').choices([
        'cloudformation',
        'terraform',
        'json',
      ]),
    )
    .option('--out <dir>', 'write the --format files under this folder (default: print them)')
    .addOption(
      new Option('--templates <syntax>', 'CloudFormation templates as YAML or JSON')
        .choices(['yaml', 'json'])
        .default('yaml'),
    )
    .option('--apply', 'create or update the roles and groups through IAM, after a plan and a confirmation')
    .option('-y, --yes', 'apply without asking')
    .option('--via <role>', 'the role used to change IAM in each target account', 'OrganizationAccountAccessRole')
    .option(
      '--principal <arn>',
      'a user or role ARN the roles trust (repeatable; default: the source identity)',
      collect,
    )
    .option('--trust-root', 'also trust the source account root (any principal its IAM policies allow)')
    .option(
      '--add-user <name>',
      'put this source-account user in the groups (NAME, or NAME:readonly / NAME:admin; repeatable)',
      collect,
    )
    .option(
      '--replace-trust',
      "make each role's trust exactly crossbar's statement, removing the others (listed in the plan); default: merge",
    )
    .option(
      '--drop-trust-conditions',
      'allow dropping an ExternalId or MFA condition a role has today when crossbar.yaml does not ask for it',
    )
    .option('--concurrency <n>', 'accounts read or changed at once', '8')
    .option('--mfa-code <code>', 'the current MFA code, if the source or --via role needs one (also CROSSBAR_MFA_CODE)')
    .action((selector: string | undefined, flags: BootstrapFlags, command: Command) =>
      runtime.run(command, (ctx) => runBootstrap(ctx, command, selector, flags)),
    );
}
