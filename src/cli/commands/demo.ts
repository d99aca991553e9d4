import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { asExpected, runDemoTour, type DemoStep, type TourIdentity } from '../../core/demo-tour.js';
import { ADMIN_ROLE, READ_ONLY_ROLE, ssoSourceName, type SandboxConfigInfo } from '../../core/sandbox-config.js';
import { CrossbarError } from '../../core/errors.js';
import type { Sandbox } from '../../sandbox/server.js';
import type { CliContext } from '../context.js';
import { waitForAbort } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_FAILED, EXIT_OK } from '../report-error.js';
import { describeSandbox } from '../sandbox-info.js';
import { sandboxConfigPaths, writeSandboxConfig, type SandboxConfigPaths } from '../write-files.js';
import { renderStep, whatToTryNext } from './demo-render.js';
import { launchSandbox, parseOrgFlag } from './sandbox-start.js';
import { awsEnvPrefix, shellPath } from './sandbox-hints.js';
import { startDemoTeam, type DemoTeam } from './demo-team.js';
import {
  demoEnv,
  demoSurprises,
  hopCommands,
  operateCommands,
  secureCommands,
  ssoCommands,
  renderDemoCommands,
  runDemoCommands,
  type DemoCommandResult,
} from './demo-commands.js';
import { requireSdk } from '../../core/aws-clients/index.js';

const { fromIni } = requireSdk('@aws-sdk/credential-providers');

/**
 * `crossbar demo`: a sandbox on a free port, its config in a temp folder, and a tour through the real AWS SDK
 * of what crossbar is for. Nothing to install beyond `npm ci`, no AWS account.
 */
export interface DemoFlags {
  keep?: boolean;
  org: string;
}

const CROSSBAR = 'npx crossbar';

/** Credentials come from the written profiles through the SDK's own loader: the files are part of what is shown. */
function identity(info: SandboxConfigInfo, paths: SandboxConfigPaths, userName: string): TourIdentity {
  const user = info.users.find((u) => u.userName === userName);
  return {
    name: userName,
    credentials: fromIni({
      profile: userName,
      filepath: paths.awsCredentials,
      configFilepath: paths.awsConfig,
      ignoreCache: true,
    }),
    mfaSerial: user?.mfaSerial,
  };
}

/** Who is who, before the first command: the story the tour tells. */
function story(info: SandboxConfigInfo): string[] {
  const members = info.accounts.map((a) => a.name);
  return [
    `  ${info.sourceUser} is an engineer with one IAM user in the management account. The organization has ${members.length} more accounts`,
    `  (${members.join(', ')}); she reaches each through a role, read-only by default, administrator with MFA.`,
    ...(info.identityCenter
      ? [
          `  The organization also signs people in through IAM Identity Center: near the end ${info.sourceUser} adds it as a second source.`,
        ]
      : []),
    '  Everything below is crossbar commands as she would type them; the last part shows the same hops call by call.',
  ];
}

/** The commands a newcomer can paste next, crossbar's own first; with --keep they point at the running sandbox. */
function nextSteps(
  sandbox: Sandbox,
  paths: SandboxConfigPaths,
  info: SandboxConfigInfo,
  keep: boolean,
  cwd: string,
): string[] {
  // Without --keep this sandbox is gone when the demo ends: point at one the user starts on the default port.
  const target = keep ? paths : sandboxConfigPaths(resolve(cwd, 'sandbox'));
  const env = `CROSSBAR_CONFIG=${shellPath(target.crossbarYaml, cwd)} ${awsEnvPrefix(target, cwd)}`;
  const prod = info.accounts.find((a) => a.stage === 'prod')?.name ?? 'production';
  const staging = info.accounts.find((a) => a.stage === 'staging')?.name ?? 'staging';
  const endpointFlag = keep ? ` --endpoint ${sandbox.endpoint}` : '';
  return [
    ...(keep
      ? []
      : [`${CROSSBAR} sandbox start --write-config ./sandbox      # a sandbox that stays up, with these files`]),
    `export ${env}`,
    `${CROSSBAR} shell ${prod}      # a shell with ${prod}'s read-only credentials, its stage in the prompt`,
    `${CROSSBAR} exec ${staging} -- aws s3 ls      # any command, with another account's credentials`,
    `${CROSSBAR} exec /switch-to-prod -- aws sts get-caller-identity      # a shortcut from crossbar.yaml`,
    `${CROSSBAR} exec ${prod}:admin --mfa-code $(${CROSSBAR} sandbox mfa-code ${info.sourceUser}${endpointFlag}) -- aws sts get-caller-identity      # MFA, and the confirmation production admin asks for`,
    `${CROSSBAR} run all -- s3 ListBuckets      # any read operation, every account`,
    `${CROSSBAR} serve --import ${shellPath(target.crossbarYaml, cwd)}      # the team server: workspaces, members, credentials vended per member`,
    ...(keep && info.identityCenter
      ? [
          `${CROSSBAR} login ${ssoSourceName(info)} --no-browser      # sign in through the sandbox's Identity Center; approve with ${CROSSBAR} sandbox approve ${info.sourceUser} CODE${endpointFlag}`,
          `${CROSSBAR} exec management -- aws sts get-caller-identity      # a permission set's session (AWSReservedSSO_…/${info.sourceUser})`,
        ]
      : []),
    `${CROSSBAR} init --from-organization      # the real thing: run with your management account's credentials`,
    `${CROSSBAR} init --from-sso https://YOUR-ID.awsapps.com/start --sso-region REGION      # the real thing through IAM Identity Center: the accounts and permission sets it grants you`,
    ...(keep ? [] : [`${CROSSBAR} demo --keep      # keep this demo's sandbox and team server (web UI) running`]),
    'npm test      # the test suite, against the sandbox, the AWS SDK and the AWS CLI',
  ];
}

async function tour(
  ctx: CliContext,
  sandbox: Sandbox,
  info: SandboxConfigInfo,
  paths: SandboxConfigPaths,
  signal: AbortSignal,
  firstIndex: number,
): Promise<DemoStep[]> {
  const table = ctx.output === undefined || ctx.output === 'table';
  let index = firstIndex - 1;
  try {
    // The tour takes the root like every feature: its endpoint and source region come from the crossbar.yaml the
    // demo just wrote, its ExternalIds from that config's registry.
    const { createCrossbar } = await import('../../core/crossbar.js');
    const { loadConfigFile } = await import('../../core/config/index.js');
    const crossbar = createCrossbar({
      config: loadConfigFile(paths.crossbarYaml),
      env: {},
      home: join(dirname(paths.crossbarYaml), 'crossbar-home'),
    });
    const externalIds = Object.fromEntries(
      crossbar.registry.accounts.flatMap((a) => {
        const id = a.roles.find((r) => r.externalId !== undefined)?.externalId;
        return id === undefined ? [] : [[a.id, id]];
      }),
    );
    return await runDemoTour(crossbar, {
      source: identity(info, paths, info.sourceUser),
      other: identity(info, paths, info.users.find((u) => u.userName !== info.sourceUser)?.userName ?? 'bob'),
      mfaCodeProvider: async (serial) =>
        sandbox.mfaCode(info.users.find((u) => u.mfaSerial === serial)?.userName ?? info.sourceUser),
      externalIds,
      readOnlyRole: READ_ONLY_ROLE,
      adminRole: ADMIN_ROLE,
      signal,
      onStep: (step) => {
        if (table) renderStep(ctx, step, (index += 1));
      },
    });
  } catch (err) {
    if (signal.aborted) throw new CrossbarError('INTERRUPTED', 'demo interrupted', { cause: err });
    throw err;
  }
}

export async function runDemo(ctx: CliContext, flags: DemoFlags, runtime: CliRuntime): Promise<number> {
  const org = parseOrgFlag(flags.org);
  const signal = ctx.handleInterrupts();
  const { bold, dim, cyan } = ctx.colors;
  const table = ctx.output === undefined || ctx.output === 'table';
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-demo-'));
  let sandbox: Sandbox | undefined;
  let team: DemoTeam | undefined;
  try {
    sandbox = await launchSandbox({ port: 0, host: '127.0.0.1', org, faults: {} }, (line) => ctx.err(line));
    const identityCenter = sandbox.identityCenter();
    const info = { ...describeSandbox(sandbox, org), ...(identityCenter ? { identityCenter } : {}) };
    const paths = writeSandboxConfig(dir, info);
    if (table) {
      ctx.out(bold('crossbar demo: a local AWS organization, and one identity reaching into all of it'));
      ctx.out();
      ctx.out(
        `  sandbox  ${cyan(sandbox.endpoint)}  ${dim(`(organization ${sandbox.world.organization.id}, ${Object.keys(sandbox.world.accounts).length} accounts; ${flags.keep ? 'kept until Ctrl-C' : 'stopped when the demo ends'})`)}`,
      );
      ctx.out(`  config   ${paths.crossbarYaml}  ${dim('+ aws/config, aws/credentials')}`);
      ctx.out();
      for (const line of story(info)) ctx.out(line);
      ctx.out();
    }
    const sb = sandbox;
    const env = demoEnv(ctx.io.env, dir, paths);
    const run = (argv: string[], io: Parameters<CliRuntime['runCommand']>[1]) => runtime.runCommand(argv, io);
    const commands: DemoCommandResult[] = await runDemoCommands(
      ctx,
      [...hopCommands(info, () => sb.mfaCode(info.sourceUser)), ...operateCommands(), ...secureCommands(dir)],
      env,
      run,
    );
    if (!signal.aborted) {
      team = await startDemoTeam(dir, paths, env);
      commands.push(...(await runDemoCommands(ctx, team.commands, env, run)));
    }
    // Last of crossbar's own commands: Identity Center joins crossbar.yaml here, after every command that lists the
    // registry's accounts, so that their output stays about the organization reached from alice's IAM user.
    if (!signal.aborted) commands.push(...(await runDemoCommands(ctx, ssoCommands(info, paths), env, run)));
    if (signal.aborted) throw new CrossbarError('INTERRUPTED', 'demo interrupted');
    if (table) {
      renderDemoCommands(ctx, commands, 1);
      ctx.out(bold('UNDER THE HOOD: THE SAME HOPS, CALL BY CALL, WITH THE PLAIN AWS SDK'));
      ctx.out(
        dim('  No crossbar code below: the AWS SDK for JavaScript against the sandbox, as it would be against AWS.'),
      );
      ctx.out();
    }
    const steps = await tour(ctx, sandbox, info, paths, signal, commands.length + 1);
    if (signal.aborted) throw new CrossbarError('INTERRUPTED', 'demo interrupted');
    const surprises = steps.flatMap((s) => (s.kind === 'hops' ? s.hops.filter((h) => !asExpected(h)) : []));
    const odd = demoSurprises(commands);
    if (!table)
      ctx.out(
        JSON.stringify(
          {
            endpoint: sandbox.endpoint,
            config: paths,
            steps,
            ...(team
              ? {
                  web: {
                    url: team.url,
                    built: team.webBuilt,
                    kept: flags.keep === true,
                    sign_in: team.signIns.map(({ username, password, access }) => ({ username, password, access })),
                  },
                }
              : {}),
            commands: commands.map((c) => ({
              argv: c.command.display ?? c.command.argv.join(' '),
              exit: c.exit,
              stdout: c.stdout,
              skipped: c.skipped,
            })),
          },
          null,
          ctx.output === 'json' ? 2 : undefined,
        ),
      );
    else {
      whatToTryNext(ctx, nextSteps(sandbox, paths, info, flags.keep === true, ctx.io.cwd));
      if (team) webSignIn(ctx, team, flags.keep === true);
    }
    if (surprises.length > 0) {
      ctx.err(
        ctx.colors.red(
          `crossbar: ${surprises.length} hop(s) did not come out as AWS would answer them; see the RESULT column`,
        ),
      );
      return EXIT_FAILED;
    }
    if (odd.length > 0) {
      ctx.err(
        ctx.colors.red(
          `crossbar: ${odd.map((c) => `'${c.command.display ?? c.command.argv.join(' ')}' exited ${c.exit}, expected ${c.command.expectExit}`).join('; ')}`,
        ),
      );
      return EXIT_FAILED;
    }
    if (flags.keep) {
      ctx.out();
      if (team) ctx.out(`The team server and its web UI keep running at ${cyan(team.url)}.`);
      ctx.out(`The sandbox keeps running at ${cyan(sandbox.endpoint)}, config in ${dir}. Press Ctrl-C to stop.`);
      await waitForAbort(signal);
    }
    return EXIT_OK;
  } finally {
    await team?.stop();
    await sandbox?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The end of the tour: the web UI's address and the demo members' sign-in (issue 11). Said as it is: without
 * --keep the server stops when the demo exits, so the address is only worth opening with --keep.
 */
function webSignIn(ctx: CliContext, team: DemoTeam, keep: boolean): void {
  const { bold, cyan, dim } = ctx.colors;
  ctx.out();
  ctx.out(bold('The web UI'));
  ctx.out(`  ${cyan(team.url)}  ${dim('(crossbar serve, seed 000: workspaces production and platform)')}`);
  if (!team.webBuilt)
    ctx.out(`  ${dim('Not built in this checkout: run `npm run build` first, or its pages say so.')}`);
  ctx.out(`  Sign in as ${dim('(passwords generated for this demo only)')}:`);
  const width = Math.max(...team.signIns.map((m) => m.username.length));
  for (const m of team.signIns) ctx.out(`    ${m.username.padEnd(width)}  ${m.password}  ${dim(m.access)}`);
  ctx.out(
    keep
      ? '  It keeps running until Ctrl-C, with the sandbox.'
      : `  This server stops when the demo ends, with the sandbox: run ${bold('npx crossbar demo --keep')} to keep both running and sign in.`,
  );
}

export function defineDemo(command: Command, runtime: CliRuntime): void {
  command
    .option('--keep', 'leave the sandbox running after the tour (until Ctrl-C)')
    .option('--org <org>', 'demo, or generated:N for N member accounts', 'demo')
    .action((flags: DemoFlags, command: Command) => runtime.run(command, (ctx) => runDemo(ctx, flags, runtime)));
}
