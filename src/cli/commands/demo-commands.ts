import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CliContext, CliStream } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import {
  renderCrossbarYaml,
  ssoAccountEntry,
  ssoSourceName,
  type SandboxConfigInfo,
} from '../../core/sandbox-config.js';
import { writeFileAtomic, type SandboxConfigPaths } from '../write-files.js';
import type { Sandbox } from '../../sandbox/server.js';

/**
 * The second half of `crossbar demo`: crossbar's own commands, run exactly as a user would type them (through
 * `main`, in-process), against the demo's sandbox and config. Each later feature adds its commands here.
 */
export interface DemoCommand {
  title: string;
  argv: string[];
  /** What the command should exit with; anything else is a surprise and fails the demo. */
  expectExit: number;
  /** Shown instead of argv when argv holds a value a reader should not copy (an MFA code). */
  display?: string;
  /** Only when this program is on PATH (the aws CLI is optional on a newcomer's machine). */
  needs?: string;
  /** Said after the output: why a denial is there, what a word means. */
  note?: string;
  /** The part of the story this command opens (Hop, Operate, See and secure). */
  section?: string;
  /** Set over the tour's environment for this command: another person's CROSSBAR_HOME. */
  env?: Record<string, string | undefined>;
  /**
   * Done in-process instead of running argv (`display` says what a person would do): an edit of crossbar.yaml.
   * What it writes is its transcript; it returns the exit code.
   */
  action?: (write: (text: string) => void) => Promise<number>;
  /**
   * What another person (or another terminal) does while the command runs: the sign-in's approval. It sees the
   * command's transcript so far, and what it writes goes into that transcript where it happened.
   */
  alongside?: (helper: Alongside) => Promise<void>;
}

/** What a command's companion (`alongside`) may do while the command runs. */
export interface Alongside {
  /** Resolves with the first match of `pattern` in the command's output, or undefined once the command ended. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray | undefined>;
  /** Runs a crossbar command as a person would type it; its output goes into the transcript under `$ shown`. */
  run(argv: string[], shown: string): Promise<number>;
}

export interface DemoCommandResult {
  command: DemoCommand;
  exit: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr as a person at a terminal sees them: in the order they were written. */
  transcript: string;
  skipped?: string;
}

/** Looked up on the PATH the command will get, not crossbar's own. */
function onPath(program: string, env: Record<string, string | undefined>): boolean {
  return (
    spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore', env: { PATH: env['PATH'] ?? '' } }).status === 0
  );
}

/** The commands of the hop tour (issue 3): the reachability matrix, exec, generated profiles, console links. */
export function hopCommands(info: SandboxConfigInfo, mfaCode: () => string): DemoCommand[] {
  const prod = info.accounts.find((a) => a.stage === 'prod')?.name ?? 'production';
  const ns = info.organization.namespace;
  return [
    {
      section: 'Hop: one identity into every account',
      title: 'The registry: every account in crossbar.yaml, coloured by stage',
      argv: ['accounts', 'list', '--output', 'table'],
      expectExit: 0,
      note: "ROLES are crossbar.yaml's names for them: CrossbarReadOnly is the default role, and `admin` is the key of the IAM role `administrator` (roles: { admin: { name: administrator, mfa: required } }); profiles use the key, ARNs the IAM name.",
    },
    {
      title: 'Can alice get into each account and role, and if not, why',
      argv: ['accounts', 'check', '--output', 'table', '--mfa-code', mfaCode()],
      display: 'crossbar accounts check --mfa-code $(crossbar sandbox mfa-code alice)',
      expectExit: 1,
      note: "The two denials are on purpose, and so is exit 1: alice's own IAM policy (her caller policy) lets her assume administrator in development and production only, so AWS refuses staging's and client-acme's before their trust policies are even read.",
    },
    {
      title: `A command with ${prod}'s credentials: crossbar exec`,
      argv: ['exec', prod, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'table'],
      expectExit: 0,
      needs: 'aws',
    },
    {
      title: 'Profiles for every account × role in aws/config (role-arn mode)',
      argv: ['aws-config', '--write', '--mode', 'role-arn'],
      expectExit: 0,
    },
    {
      title: 'The AWS CLI on a generated profile',
      argv: [`!aws`, '--profile', `${ns}-prod-CrossbarReadOnly`, 'sts', 'get-caller-identity', '--output', 'table'],
      expectExit: 0,
      needs: 'aws',
    },
    {
      title: 'A console sign-in link (federation through getSigninToken)',
      argv: ['console', prod, '--print'],
      expectExit: 0,
    },
    {
      title: "The console's coloured switch-role link (seed 004)",
      argv: ['console', prod, '--switch-role'],
      expectExit: 0,
    },
  ];
}

const indentOf = (line: string) => line.length - line.trimStart().length;

/**
 * An edit that only adds lines, as a diff shows it: each added run with `+`, after the key it sits under (or the
 * line before it), `…` where lines are left out.
 */
export function insertionDiff(before: string, after: string): string {
  const old = before.split('\n');
  const lines = after.split('\n');
  const added: boolean[] = [];
  let j = 0;
  for (const line of lines) {
    const same = line === old[j];
    added.push(!same);
    if (same) j += 1;
  }
  const out: string[] = [];
  let shownUpTo = -1;
  lines.forEach((line, i) => {
    if (!added[i]) return;
    if (i === 0 || added[i - 1] !== true) {
      let context = i - 1;
      while (context > 0 && (added[context] === true || indentOf(lines[context] ?? '') >= indentOf(line))) context -= 1;
      if (indentOf(line) === 0 || added[context] === true) context = i - 1;
      if (context > shownUpTo && context >= 0) {
        out.push(`  ${lines[context] ?? ''}`);
        if (context < i - 1) out.push('  …');
      }
    }
    out.push(`+ ${line}`);
    shownUpTo = i;
  });
  return out.map((l) => `${l}\n`).join('');
}

/**
 * More ways in (issue 12): the organization's IAM Identity Center as a second, named source of crossbar.yaml (alice's
 * IAM user stays the default source, so every command before is unchanged), the sign-in by the device flow
 * approved as a person would, and a hop through a permission set with its denied twin. Empty when the sandbox's
 * organization has no Identity Center.
 */
export function ssoCommands(info: SandboxConfigInfo, paths: SandboxConfigPaths): DemoCommand[] {
  const entry = ssoAccountEntry(info);
  const ic = info.identityCenter;
  if (!entry || !ic) return [];
  const source = ssoSourceName(info);
  const account = String(entry['name']);
  const user = info.sourceUser;
  return [
    {
      section: 'More ways in: IAM Identity Center',
      title: `crossbar.yaml gains Identity Center as a second source, and the account ${user} reaches through it`,
      argv: [],
      display: '$EDITOR crossbar.yaml',
      action: async (write) => {
        const before = renderCrossbarYaml(info);
        const after = renderCrossbarYaml(info, { withSsoSource: true });
        writeFileAtomic(paths.crossbarYaml, after);
        write(insertionDiff(before, after));
        return 0;
      },
      note: `A named source, not the default: ${user}'s IAM user stays the source of every account above, so each command before works as it did while a company moves to Identity Center account by account. The ${account} account (where ${user}'s IAM user lives) is reached from ${source} only; its roles are permission sets, keyed as \`crossbar init --from-sso\` keys them.`,
      expectExit: 0,
    },
    {
      title: `Sign in through IAM Identity Center (the device flow), approved by ${user}`,
      argv: ['login', source, '--no-browser'],
      expectExit: 0,
      alongside: async (helper) => {
        const found = await helper.waitFor(/user_code=([A-Z0-9]{4}-[A-Z0-9]{4})/);
        const code = found?.[1];
        if (code === undefined) return;
        await helper.run(
          ['sandbox', 'approve', user, code],
          `crossbar sandbox approve ${user} ${code}      # ${user}, in another terminal: what Approve on that page does`,
        );
      },
      note: `On a laptop the browser opens the AWS access portal and the person approves there; the sandbox's page (${info.endpoint}/device) and \`crossbar sandbox approve\` stand in for it.`,
    },
    {
      title: 'A hop through a permission set: GetRoleCredentials, no AssumeRole',
      argv: ['exec', account, '--', 'aws', 'sts', 'get-caller-identity', '--output', 'table'],
      expectExit: 0,
      needs: 'aws',
      note: `${account}'s default role is its least-privileged permission set, ReadOnlyAccess: Identity Center provisions it in the account as an AWSReservedSSO_ role, and the session is named after the person who signed in.`,
    },
    {
      title: `Its denied twin: a permission set ${user} is not assigned in that account`,
      argv: ['exec', `${account}:admin`, '--', 'aws', 'sts', 'get-caller-identity'],
      expectExit: 1,
      note: `Identity Center assigns AdministratorAccess in ${account} to no group ${user} is in, so the portal refuses GetRoleCredentials (ForbiddenException: No access): crossbar stops before the command runs (exit 1), naming the account and the permission set.`,
    },
  ];
}

/** The see-and-secure tour (issue 5): the consolidated bill, the audit's findings and evidence, the bootstrap plan. */
export function secureCommands(dir: string): DemoCommand[] {
  return [
    {
      section: 'See and secure: the bill, the audit, the evidence',
      title: 'The consolidated bill by account, with month-over-month change and the top movers',
      argv: ['cost', '--by', 'account', '--months', '3', '--chart', `${dir}/bill.svg`, '--output', 'table'],
      expectExit: 0,
    },
    {
      title: 'The audit: who can reach what, and what is dangerous (the planted unsafe roles in production come first)',
      argv: ['audit', '--output', 'table'],
      expectExit: 0,
    },
    {
      title: "Who can reach production's administrator role, and under which conditions",
      argv: ['audit', 'who-can', 'production:admin', '--output', 'table'],
      expectExit: 0,
    },
    {
      title: 'Who actually switched into what (CloudTrail), joined with the trust graph',
      argv: ['audit', 'trail', '--since', '1d', '--output', 'table'],
      expectExit: 0,
    },
    {
      title:
        'The bootstrap plan: the roles and groups crossbar would set up, read through the read-only role (no change is made)',
      argv: ['bootstrap', '--via', 'CrossbarReadOnly', '--output', 'table'],
      expectExit: 0,
    },
    {
      title: 'The same as CloudFormation templates (a StackSet for the members, one for the source)',
      argv: ['bootstrap', '--format', 'cloudformation', '--out', `${dir}/bootstrap`],
      expectExit: 0,
    },
  ];
}

/** The operate tour (issue 4): one operation across accounts × regions with its coverage grid, then the inventory. */
export function operateCommands(): DemoCommand[] {
  return [
    {
      section: 'Operate: one read across every account and region',
      title: 'One read across every account and three regions, one result per account × region',
      note: 'eu-south-1 is an opt-in region: AWS refuses calls there until an account enables it, and only production has. Those three failures (and exit 1) are the coverage grid doing its job.',
      argv: [
        'run',
        'all',
        '--regions',
        'us-east-1,eu-west-1,eu-south-1',
        '--output',
        'table',
        '--',
        'ec2',
        'DescribeInstances',
      ],
      expectExit: 1,
    },
    {
      title: 'The inventory: ten resource types from every account and region into SQLite',
      argv: ['inventory', 'sync', '--output', 'table'],
      expectExit: 0,
      note: 'A slice is one resource type in one account and region; each is synced and dated on its own, so a failure loses that slice only and `crossbar inventory status` shows how old each one is.',
    },
    {
      title: 'Query it with SQL',
      argv: [
        'query',
        "SELECT account_name, stage, region, count(*) AS instances, sum(state = 'running') AS running FROM ec2_instances GROUP BY 1, 2, 3 ORDER BY 1, 3",
        '--output',
        'table',
      ],
      display: `crossbar query "SELECT account_name, stage, region, count(*) AS instances, sum(state = 'running') AS running FROM ec2_instances GROUP BY 1, 2, 3 ORDER BY 1, 3"`,
      expectExit: 0,
    },
  ];
}

function capture(isTTY: boolean, transcript: string[]): CliStream & { text(): string } {
  let text = '';
  return {
    isTTY,
    write(chunk: string) {
      text += chunk;
      transcript.push(chunk);
      return true;
    },
    text: () => text,
  };
}

/** The environment of the tour's commands: the demo's files, a private CROSSBAR_HOME, no ambient AWS identity. */
export function demoEnv(
  base: Record<string, string | undefined>,
  dir: string,
  paths: SandboxConfigPaths,
): Record<string, string | undefined> {
  const home = join(dir, 'crossbar-home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const env: Record<string, string | undefined> = { ...base };
  for (const k of [
    'AWS_PROFILE',
    'AWS_DEFAULT_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL',
    'CROSSBAR_ACCOUNT',
  ])
    delete env[k];
  return {
    ...env,
    CROSSBAR_CONFIG: paths.crossbarYaml,
    CROSSBAR_HOME: home,
    CROSSBAR_KEY_STORE: 'file',
    // The AWS CLI caches assumed roles under ~/.aws/cli/cache by profile and role: a previous demo's sandbox
    // would hand it dead credentials. A private HOME keeps each tour's cache its own.
    HOME: home,
    AWS_CONFIG_FILE: paths.awsConfig,
    AWS_SHARED_CREDENTIALS_FILE: paths.awsCredentials,
  };
}

export async function runDemoCommands(
  ctx: CliContext,
  commands: DemoCommand[],
  env: Record<string, string | undefined>,
  runCommand: CliRuntime['runCommand'],
): Promise<DemoCommandResult[]> {
  const results: DemoCommandResult[] = [];
  for (const command of commands) {
    if (ctx.signal.aborted) break;
    if (command.needs && !onPath(command.needs, env)) {
      results.push({
        command,
        exit: command.expectExit,
        stdout: '',
        stderr: '',
        transcript: '',
        skipped: `${command.needs} is not on PATH`,
      });
      continue;
    }
    const transcript: string[] = [];
    const stdout = capture(ctx.io.stdout.isTTY === true, transcript);
    const stderr = capture(false, transcript);
    const commandEnv = command.env ? { ...env, ...command.env } : env;
    const io = { stdout, stderr, env: commandEnv, cwd: ctx.io.cwd, signal: ctx.signal };
    const [first, ...rest] = command.argv;
    const running = command.action
      ? command.action((text) => stdout.write(text))
      : first?.startsWith('!')
        ? runProgram(first.slice(1), rest, commandEnv, stdout, stderr)
        : runCommand(command.argv, io);
    const exit = command.alongside
      ? await withCompanion(running, command.alongside, transcript, (argv) => runCommand(argv, io), stdout)
      : await running;
    results.push({ command, exit, stdout: stdout.text(), stderr: stderr.text(), transcript: transcript.join('') });
  }
  return results;
}

/**
 * Runs a command's companion beside it: the companion waits for the command's output (a sign-in code), then runs
 * its own command, shown inside the command's transcript. A companion that fails is written there too; the
 * command's exit code is what counts.
 */
async function withCompanion(
  running: Promise<number>,
  alongside: NonNullable<DemoCommand['alongside']>,
  transcript: string[],
  runCommand: (argv: string[]) => Promise<number>,
  out: CliStream,
): Promise<number> {
  let ended = false;
  const exit = running.finally(() => {
    ended = true;
  });
  const helper: Alongside = {
    async waitFor(pattern) {
      for (;;) {
        const found = pattern.exec(transcript.join(''));
        if (found) return found;
        if (ended) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async run(argv, shown) {
      out.write(`$ ${shown}\n`);
      return runCommand(argv);
    },
  };
  const companion = alongside(helper).catch((err: unknown) => {
    out.write(`(${err instanceof Error ? err.message : String(err)})\n`);
  });
  const [code] = await Promise.all([exit, companion]);
  return code;
}

/** Asynchronous on purpose: the sandbox answers from this very process, so a synchronous child would deadlock. */
function runProgram(
  program: string,
  args: string[],
  env: Record<string, string | undefined>,
  stdout: CliStream,
  stderr: CliStream,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (c: Buffer) => stdout.write(c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => stderr.write(c.toString('utf8')));
    child.once('error', (err) => {
      stderr.write(`${program}: ${err.message}\n`);
      resolve(127);
    });
    child.once('close', (code) => resolve(code ?? 1));
  });
}

export function renderDemoCommands(ctx: CliContext, results: DemoCommandResult[], firstIndex: number): void {
  const { bold, dim, red, cyan } = ctx.colors;
  results.forEach((r, i) => {
    const shown =
      r.command.display ??
      `${r.command.argv[0]?.startsWith('!') ? r.command.argv[0].slice(1) : 'crossbar'} ${r.command.argv.slice(r.command.argv[0]?.startsWith('!') ? 1 : 0).join(' ')}`;
    if (r.command.section) {
      ctx.out(bold(r.command.section.toUpperCase()));
      ctx.out();
    }
    ctx.out(`${bold(`${firstIndex + i}. ${r.command.title}`)}`);
    ctx.out(dim(`  $ ${shown}`));
    if (r.skipped) {
      ctx.out(dim(`  (skipped: ${r.skipped})`));
    } else {
      for (const line of r.transcript.trimEnd().split('\n')) ctx.out(`  ${line}`);
      if (r.exit !== r.command.expectExit) ctx.out(red(`  exit ${r.exit}, expected ${r.command.expectExit}`));
    }
    if (r.command.note) ctx.out(cyan(`  ↳ ${r.command.note}`));
    ctx.out();
  });
}

/** Commands that did not exit as they should: the demo fails, because the product did not behave. */
export function demoSurprises(results: DemoCommandResult[]): DemoCommandResult[] {
  return results.filter((r) => !r.skipped && r.exit !== r.command.expectExit);
}

export type { Sandbox };
