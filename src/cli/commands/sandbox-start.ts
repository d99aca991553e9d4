import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import { ApiError } from '../../sandbox/api-error.js';
import type { Faults } from '../../sandbox/faults.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { parseOrgSpec, MAX_GENERATED_ACCOUNTS } from '../../sandbox/world/seed-orgs.js';
import type { CliContext } from '../context.js';
import { waitForAbort } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { describeSandbox } from '../sandbox-info.js';
import { writeSandboxConfig, type SandboxConfigPaths } from '../write-files.js';
import { EXIT_OK } from '../report-error.js';
import { awsCliHint } from './sandbox-hints.js';

/** `crossbar sandbox start`: the local organization, until Ctrl-C. */
export interface StartFlags {
  port: string;
  host: string;
  org: string;
  latency?: string;
  jitter?: string;
  errorRate?: string;
  throttle?: string;
  writeConfig?: string;
  state?: string;
  seed?: string;
  json?: boolean;
}

export interface StartPlan {
  port: number;
  host: string;
  org: string;
  faults: Faults;
  writeConfig?: string;
  statePath?: string;
  seed?: string;
}

const usage = (message: string, hint?: string) => new CrossbarError('USAGE', message, { ...(hint ? { hint } : {}) });

function number(
  flag: string,
  text: string | undefined,
  check: (n: number) => boolean,
  what: string,
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || !check(n)) throw usage(`${flag} must be ${what} (got '${text}')`);
  return n;
}

/** `demo` or `generated:N`, checked before anything starts. */
export function parseOrgFlag(org: string): string {
  if (!parseOrgSpec(org))
    throw usage(
      `unknown organization '${org}'`,
      `use --org demo or --org generated:N with N from 1 to ${MAX_GENERATED_ACCOUNTS}`,
    );
  return org;
}

/** `--seed TEXT`: any non-empty text; the same text gives the same keys. */
function seedFlag(text: string): string {
  if (text.trim() === '')
    throw usage('--seed is empty', 'e.g. --seed demo: every sandbox started with it has the same keys');
  return text;
}

/** Validates the flags before anything listens: every mistake is one line and exit code 2. */
export function parseStartFlags(flags: StartFlags, cwd: string): StartPlan {
  const port =
    number(
      '--port',
      flags.port,
      (n) => Number.isInteger(n) && n >= 0 && n <= 65_535,
      'a port from 0 to 65535 (0 picks a free one)',
    ) ?? 4566;
  parseOrgFlag(flags.org);
  const latencyMs = number('--latency', flags.latency, (n) => n >= 0, 'milliseconds, 0 or more');
  const jitterMs = number('--jitter', flags.jitter, (n) => n >= 0, 'milliseconds, 0 or more');
  const errorRate = number('--error-rate', flags.errorRate, (n) => n >= 0 && n <= 1, 'a probability from 0 to 1');
  const throttleRps = number('--throttle', flags.throttle, (n) => n > 0, 'requests per second, more than 0');
  const faults: Faults = {
    ...(latencyMs !== undefined ? { latencyMs } : {}),
    ...(jitterMs !== undefined ? { jitterMs } : {}),
    ...(errorRate !== undefined ? { errorRate } : {}),
    ...(throttleRps !== undefined ? { throttleRps } : {}),
  };
  return {
    port,
    host: flags.host,
    org: flags.org,
    faults,
    ...(flags.writeConfig ? { writeConfig: resolve(cwd, flags.writeConfig) } : {}),
    ...(flags.state ? { statePath: resolve(cwd, flags.state) } : {}),
    ...(flags.seed !== undefined ? { seed: seedFlag(flags.seed) } : {}),
  };
}

function errnoOf(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/** Starts the sandbox, turning listen and state-file failures into errors that say what to do. */
export async function launchSandbox(plan: StartPlan, log: (line: string) => void): Promise<Sandbox> {
  try {
    return await startSandbox({
      port: plan.port,
      host: plan.host,
      org: plan.org,
      faults: plan.faults,
      log,
      ...(plan.statePath ? { statePath: plan.statePath } : {}),
      ...(plan.seed !== undefined ? { seed: plan.seed } : {}),
    });
  } catch (cause) {
    switch (errnoOf(cause)) {
      case 'EADDRINUSE':
        throw new CrossbarError('USAGE', `port ${plan.port} is in use: pass --port 0 or another port`, {
          cause,
        });
      case 'EACCES':
        throw new CrossbarError(
          'USAGE',
          `not allowed to listen on port ${plan.port}: pass --port 0 or a port above 1023`,
          { cause },
        );
      case 'EADDRNOTAVAIL':
      case 'ENOTFOUND':
        throw new CrossbarError(
          'USAGE',
          `cannot listen on host ${plan.host}: pass --host 127.0.0.1 or an address of this machine`,
          { cause },
        );
    }
    // The state file is the only input that reaches the sandbox unchecked; it refuses a bad one with ApiError.
    if (cause instanceof ApiError && plan.statePath) {
      throw new CrossbarError('CONFIG_INVALID', cause.message, { cause });
    }
    throw new CrossbarError(
      'SANDBOX',
      `the sandbox did not start: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
}

/** The one place secrets are printed: the user asked for them with --json. */
export function startJson(
  sandbox: Sandbox,
  org: string,
  paths: SandboxConfigPaths | undefined,
): Record<string, unknown> {
  const { organization } = sandbox.world;
  return {
    endpoint: sandbox.endpoint,
    port: sandbox.port,
    organization: {
      id: organization.id,
      name: org,
      managementAccountId: organization.masterAccountId,
      accounts: Object.keys(sandbox.world.accounts).length,
    },
    users: sandbox.users().map((u) => ({
      userName: u.userName,
      accountId: u.accountId,
      arn: u.arn,
      accessKeyId: u.accessKeyId,
      secretAccessKey: u.secretAccessKey,
      mfaSerial: u.mfaSerial ?? null,
    })),
    ...(sandbox.identityCenter() ? { identityCenter: sandbox.identityCenter() } : {}),
    ...(paths ? { config: paths } : {}),
  };
}

function printSummary(ctx: CliContext, sandbox: Sandbox, plan: StartPlan, paths: SandboxConfigPaths | undefined): void {
  const { bold, dim, cyan } = ctx.colors;
  const { world } = sandbox;
  const users = sandbox.users().map((u) => (u.mfaSerial ? `${u.userName} (MFA ${u.mfaSerial})` : u.userName));
  ctx.out(`${bold('crossbar sandbox')} listening on ${cyan(sandbox.endpoint)}`);
  ctx.out(
    `  organization  ${world.organization.id} (${plan.org}): ${Object.keys(world.accounts).length} accounts, management ${world.organization.masterAccountId}`,
  );
  ctx.out(`  users         ${users.join(', ')} in ${world.organization.masterAccountId}`);
  const sso = sandbox.identityCenter();
  if (sso)
    ctx.out(
      `  sso           ${cyan(sso.startUrl)} (${sso.region}): sign in as ${Object.keys(world.identityCenter?.users ?? {}).join(', ')}; approve on the page the sign-in opens or with \`crossbar sandbox approve USER CODE\``,
    );
  if (Object.keys(plan.faults).length > 0) ctx.out(`  faults        ${JSON.stringify(plan.faults)}`);
  if (plan.statePath) ctx.out(`  state         ${plan.statePath} (saved on stop)`);
  if (paths) ctx.out(`  config        ${paths.crossbarYaml}, ${paths.awsConfig}, ${paths.awsCredentials}`);
  ctx.out();
  const prod = Object.values(world.accounts).find((a) => a.tags.stage === 'prod');
  for (const line of awsCliHint({ endpoint: sandbox.endpoint, paths, cwd: ctx.io.cwd, exampleAccountId: prod?.id }))
    ctx.out(line);
  ctx.out();
  ctx.out(dim('Press Ctrl-C to stop.'));
}

export async function runSandboxStart(ctx: CliContext, flags: StartFlags): Promise<number> {
  const plan = parseStartFlags(flags, ctx.io.cwd);
  const stop = ctx.handleInterrupts();
  const sandbox = await launchSandbox(plan, (line) => ctx.err(line));
  try {
    if (plan.host !== '127.0.0.1' && plan.host !== 'localhost' && plan.host !== '::1') {
      ctx.err(
        ctx.colors.yellow(
          `warning: listening on ${plan.host}: anyone who reaches it can read MFA codes from /_sandbox/mfa-code`,
        ),
      );
    }
    const paths = plan.writeConfig
      ? writeSandboxConfig(plan.writeConfig, describeSandbox(sandbox, plan.org))
      : undefined;
    if (flags.json || ctx.output === 'json' || ctx.output === 'ndjson')
      ctx.out(JSON.stringify(startJson(sandbox, plan.org, paths)));
    else printSummary(ctx, sandbox, plan, paths);
    await waitForAbort(stop);
  } finally {
    await sandbox.stop();
  }
  ctx.err(`sandbox stopped${plan.statePath ? `; state saved to ${plan.statePath}` : ''}`);
  return EXIT_OK;
}

export function defineSandboxStart(command: Command, runtime: CliRuntime): void {
  command
    .option('--port <port>', 'port to listen on; 0 picks a free one', '4566')
    .option('--host <host>', 'address to listen on (keep it on loopback)', '127.0.0.1')
    .option('--org <org>', 'demo, or generated:N for N member accounts', 'demo')
    .option('--latency <ms>', 'added latency per request')
    .option('--jitter <ms>', 'random latency of up to ± this much')
    .option('--error-rate <p>', 'share of requests that fail with a 500, from 0 to 1')
    .option('--throttle <rps>', 'requests per second per account, region and API before throttling')
    .option('--write-config <dir>', 'write DIR/crossbar.yaml and AWS CLI profiles in DIR/aws/ for this sandbox')
    .option('--state <file>', 'keep the organization in FILE across restarts')
    .option('--seed <text>', 'derive the access keys and MFA secrets from TEXT (default: new ones every start)')
    .option(
      '--json',
      "print one JSON object with the endpoint and the users' access keys (secrets included: you asked)",
    )
    .addHelpText(
      'after',
      "\nThe --json output and DIR/aws/credentials hold the sandbox users' secret keys. They work only against this sandbox.",
    )
    .action((flags: StartFlags, command: Command) => runtime.run(command, (ctx) => runSandboxStart(ctx, flags)));
}
