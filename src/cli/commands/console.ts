import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { resolveRoleChain } from '../../core/credentials/index.js';
import { CrossbarError } from '../../core/errors.js';
import { consoleDestination, partitionOfRegion, signInToConsole, switchRoleUrlFor } from '../../core/console/index.js';
import type { Crossbar } from '../../core/crossbar.js';
import type { ResolvedTarget } from '../../core/select/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { confirmTarget } from '../confirm.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { commandTarget } from '../pick-target.js';

/**
 * `crossbar console TARGET`: the AWS console of an account, signed in through a federated sign-in URL made
 * from the engine's role credentials (the longest session AWS allows; none asked for chained roles, which
 * AWS refuses). Opens the browser unless --print; --switch-role prints seed 004's switch-role link instead,
 * which needs no credentials at all.
 */
export interface ConsoleFlags {
  service?: string;
  region?: string;
  print?: boolean;
  switchRole?: boolean;
  yes?: boolean;
  mfaCode?: string;
}

/** How a URL reaches a browser: `$BROWSER` if set (as git and many CLIs honour it), else the platform's opener. */
export function browserCommand(
  env: Record<string, string | undefined>,
  platform: NodeJS.Platform = process.platform,
): string[] {
  const custom = env.BROWSER?.trim();
  if (custom) return custom.split(/\s+/);
  if (platform === 'darwin') return ['open'];
  // `start` is a cmd built-in; its first quoted argument is the window title.
  if (platform === 'win32') return ['cmd', '/c', 'start', '""'];
  return ['xdg-open'];
}

/** Starts the opener and lets it run on its own; rejects only when it cannot be started at all. */
export function openInBrowser(url: string, env: Record<string, string | undefined>): Promise<void> {
  const [program, ...args] = browserCommand(env);
  if (!program) return Promise.reject(new Error('no browser command'));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, [...args, url], { detached: true, stdio: 'ignore', env: { ...env } });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolvePromise();
    });
  });
}

function label(target: ResolvedTarget): string {
  return `${target.account.name}:${target.role.key}`;
}

function printSwitchRole(ctx: CliContext, target: ResolvedTarget): number {
  if (target.role.via) {
    throw new CrossbarError(
      'USAGE',
      `${label(target)} is reached through ${target.role.via}: the console cannot switch to a chained role`,
      {
        hint: `Use \`crossbar console ${label(target)}\` for a federated sign-in instead`,
      },
    );
  }
  ctx.out(switchRoleUrlFor(target.account, target.role));
  return EXIT_OK;
}

/** The federated sign-in URL of the engine's credentials for the target. */
async function localSignIn(
  crossbar: Crossbar,
  target: ResolvedTarget,
  region: string,
  service: string | undefined,
): Promise<string> {
  const credentials = await crossbar.credentials(target);
  // A role reached from another role's session (a `via` chain, or a source that is itself a role) is chained:
  // AWS refuses a SessionDuration for its console session. Otherwise signInToConsole asks for the longest (12 h),
  // whatever the role's own duration: the console session outlives the credentials it was made from.
  const chain = resolveRoleChain(target, crossbar.registry);
  const first = chain[0];
  // The chain's own source decides (an SSO hub session, an IAM user); a permission set is no AssumeRole at all.
  const chained =
    chain.length > 1 ||
    (first?.role.permissionSet === undefined && (await crossbar.sourceIdentity(first?.account.source)).assumedRole);
  const { endpoint } = crossbar;
  return signInToConsole({
    credentials,
    target: label(target),
    region,
    partition: partitionOfRegion(region),
    chained,
    fetch,
    ...(service ? { service } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
}

/** The server's sign-in URL lands on the console home; the page asked for is its Destination (not signed). */
function withDestination(url: string, region: string, service: string | undefined): string {
  if (!service) return url;
  const parsed = new URL(url);
  if (!parsed.searchParams.has('Destination')) return url;
  parsed.searchParams.set('Destination', consoleDestination({ region, service, partition: partitionOfRegion(region) }));
  return parsed.toString();
}

export async function runConsole(
  ctx: CliContext,
  command: Command,
  targetText: string | undefined,
  flags: ConsoleFlags,
): Promise<number> {
  const { crossbar, workspace } = await openCrossbarFor(ctx, command, flags);
  const target = await commandTarget(ctx, crossbar, targetText, 'console');
  if (flags.switchRole) return printSwitchRole(ctx, target);
  await confirmTarget(target, ctx.io, {
    yes: flags.yes === true,
    signal: ctx.signal,
    home: crossbar.home,
    command: 'console',
  });
  const region = flags.region ?? target.region;
  // With a current workspace the server signs in to the console as the member; --service picks the page.
  const url = workspace
    ? withDestination(await workspace.consoleUrl(target, region), region, flags.service)
    : await localSignIn(crossbar, target, region, flags.service);
  if (flags.print) {
    ctx.out(url);
    return EXIT_OK;
  }
  try {
    await openInBrowser(url, ctx.io.env);
    ctx.err(`opened the console of ${label(target)} (${target.account.id}) in your browser`);
  } catch (cause) {
    // No opener on this machine (a server, a container): the URL is still what the user came for.
    ctx.out(url);
    ctx.err(
      ctx.colors.yellow(
        `could not start a browser (${browserCommand(ctx.io.env).join(' ')}): ${cause instanceof Error ? cause.message : String(cause)}; open the URL above, or set BROWSER`,
      ),
    );
  }
  return EXIT_OK;
}

export function defineConsole(command: Command, runtime: CliRuntime): void {
  command
    .argument('[target]', 'ACCOUNT[:ROLE], an id, a stage or a shortcut such as /switch-to-prod (on a terminal: pick)')
    .option('--service <service>', 'console service to open: ec2, s3, iam… (default: the console home)')
    .option('--region <region>', "console region (default: the target's region)")
    .option(
      '--print',
      'print the sign-in URL instead of opening a browser (it signs in whoever opens it, for 15 minutes)',
    )
    .option(
      '--switch-role',
      "print the console's switch-role link (account, role, name, colour) instead; needs no credentials",
    )
    .option('-y, --yes', 'skip the confirmation of roles marked confirm: true')
    .option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (or CROSSBAR_MFA_CODE)')
    .addHelpText('after', '\nThe browser is $BROWSER if set, else xdg-open, open or start.')
    .action((target: string | undefined, flags: ConsoleFlags, command: Command) =>
      runtime.run(command, (ctx) => runConsole(ctx, command, target, flags)),
    );
}
