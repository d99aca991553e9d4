import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { Registry } from '../../core/config/index.js';
import { homeOf } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import {
  mergeManagedBlock,
  readAwsConfig,
  renderProfiles,
  resolveAwsConfigPath,
  unifiedDiff,
  withAwsConfigLock,
  writeAwsConfigAtomically,
  type AwsConfigMode,
  type MergeResult,
  type RenderProfilesOptions,
  ssoSessionOf,
  type SsoStyle,
} from '../../core/aws-config/index.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { openCrossbarFor } from '../open-crossbar.js';
import { resolveSelfCommand } from '../self-command.js';

/**
 * `crossbar aws-config`: a `~/.aws/config` profile for every account × role, inside crossbar's marked block and
 * nowhere else. Without --write it only shows the diff; with --write it merges (backup, atomic rename). A file
 * the AWS CLI could not parse, or a profile of the user's own that crossbar would shadow, stops it before
 * anything is written (exit 2).
 */
export const AWS_CONFIG_MODES = ['credential-process', 'role-arn'] as const;
export const SSO_STYLES = ['credential-process', 'sso-session'] as const;

export interface AwsConfigFlags {
  write?: boolean;
  dryRun?: boolean;
  mode: AwsConfigMode;
  /** Permission-set roles of SSO sources: crossbar's credential_process (default) or native sso_session profiles. */
  ssoStyle?: SsoStyle;
  prune?: boolean;
  crossbarCommand?: string;
  /** The words themselves (this program's absolute paths), which may hold spaces a --crossbar-command cannot. */
  crossbarCommandWords?: string[];
  sourceProfile?: string;
  region?: string;
  roleSessionName?: string;
}

export interface AwsConfigPlan {
  path: string;
  existing: string;
  merged: MergeResult;
  diff: string;
}

/**
 * Where the credential-process child finds crossbar.yaml. Profiles run from any folder, so `./crossbar.yaml`
 * (and CROSSBAR_CONFIG, which the AWS tool's environment may lack) is pinned with `--config ABSOLUTE`; only the
 * user-level default needs no flag.
 */
export function configFlagFor(configPath: string, env: Record<string, string | undefined>): string | undefined {
  const userDefault = join(homeOf(env), '.config', 'crossbar', 'crossbar.yaml');
  return resolve(configPath) === userDefault ? undefined : resolve(configPath);
}

/** `--crossbar-command "node /opt/crossbar/bin/crossbar.js"`: the words of the program the profiles call. */
export function crossbarCommandWords(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0)
    throw new CrossbarError('USAGE', '--crossbar-command is empty', {
      hint: 'e.g. --crossbar-command "node /opt/crossbar/bin/crossbar.js"',
    });
  return words;
}

/**
 * `crossbarYaml` undefined: the profiles are a team server workspace's, and their `crossbar credential-process`
 * finds the workspace in CROSSBAR_HOME (no --config, which would make it local).
 */
export function planAwsConfig(
  registry: Registry,
  crossbarYaml: string | undefined,
  flags: AwsConfigFlags,
  env: Record<string, string | undefined>,
): AwsConfigPlan {
  const path = resolveAwsConfigPath(env, homeOf(env));
  const words = flags.crossbarCommandWords ?? crossbarCommandWords(flags.crossbarCommand);
  const configFlag = crossbarYaml === undefined ? undefined : configFlagFor(crossbarYaml, env);
  const options: RenderProfilesOptions = {
    mode: flags.mode,
    ...(words ? { crossbarCommand: words } : {}),
    ...(configFlag ? { configPath: configFlag } : {}),
    ...(flags.sourceProfile ? { sourceProfile: flags.sourceProfile } : {}),
    ...(flags.region ? { region: flags.region } : {}),
    ...(flags.roleSessionName ? { roleSessionName: flags.roleSessionName } : {}),
    ...(flags.ssoStyle ? { ssoStyle: flags.ssoStyle } : {}),
  };
  const profiles = renderProfiles(registry, options);
  const existing = readAwsConfig(path).text;
  const merged = mergeManagedBlock(existing, profiles, { path, ...(flags.prune ? { prune: true } : {}) });
  return { path, existing, merged, diff: unifiedDiff(existing, merged.text, path) };
}

/** Colours a diff the way git does on a terminal; plain when piped. */
function paintDiff(ctx: CliContext, diff: string): string {
  const { green, red, cyan, bold } = ctx.colors;
  return diff.replace(/^.*$/gm, (line) => {
    if (line.startsWith('+++') || line.startsWith('---')) return bold(line);
    if (line.startsWith('+')) return green(line);
    if (line.startsWith('-')) return red(line);
    if (line.startsWith('@@')) return cyan(line);
    return line;
  });
}

function counts(m: MergeResult): string {
  return `${m.added.length} added, ${m.changed.length} changed, ${m.removed.length} removed, ${m.stale.length} stale`;
}

function reportStale(ctx: CliContext, m: MergeResult): void {
  if (m.stale.length === 0) return;
  ctx.err(
    ctx.colors.yellow(
      `stale: ${m.stale.join(', ')}: their accounts are no longer in crossbar.yaml; --prune removes them`,
    ),
  );
}

/**
 * role-arn profiles name their sessions so that CloudTrail shows the person, not `botocore-session-N`: the
 * flag, else `source.identity`, else the name of the source identity (its IAM user), else the login name.
 */
async function roleSessionNameFor(
  ctx: CliContext,
  crossbar: Awaited<ReturnType<typeof openCrossbarFor>>['crossbar'],
  flags: AwsConfigFlags,
): Promise<string | undefined> {
  if (flags.mode !== 'role-arn') return undefined;
  if (flags.roleSessionName !== undefined) {
    if (flags.roleSessionName.trim() === '')
      throw new CrossbarError('USAGE', '--role-session-name is empty', { hint: 'e.g. --role-session-name alice' });
    return flags.roleSessionName;
  }
  if (crossbar.registry.config.source.identity) return undefined;
  // With several sources each writes its own identity (sources.NAME.identity): one person's name is not all of theirs.
  if (crossbar.registry.config.sources !== undefined) return undefined;
  try {
    return (await crossbar.sourceIdentity()).name;
  } catch {
    const login = userInfo().username;
    ctx.err(
      ctx.colors.yellow(
        `the source identity could not be read: role_session_name is your login name '${login}' (--role-session-name sets another)`,
      ),
    );
    return login;
  }
}

/** credential-process mode without --crossbar-command: this program, by absolute path unless PATH finds it. */
function selfCommandFlag(ctx: CliContext, flags: AwsConfigFlags): string[] | undefined {
  if (flags.mode !== 'credential-process' || flags.crossbarCommand !== undefined || !ctx.io.program) return undefined;
  const self = resolveSelfCommand(ctx.io.program, ctx.io.env);
  ctx.err(ctx.colors.dim(self.note));
  return self.words;
}

export async function runAwsConfig(ctx: CliContext, command: Command, flags: AwsConfigFlags): Promise<number> {
  const { crossbar, configPath, workspace } = await openCrossbarFor(ctx, command);
  if (workspace && flags.mode !== 'credential-process')
    throw new CrossbarError(
      'USAGE',
      `with the current workspace ${workspace.name}, profiles get credentials from the server`,
      {
        hint: 'use --mode credential-process (the default); role-arn profiles need your own AWS keys and crossbar.yaml (--config)',
      },
    );
  const sessionName = await roleSessionNameFor(ctx, crossbar, flags);
  const selfWords = selfCommandFlag(ctx, flags);
  const planFlags = {
    ...flags,
    ...(sessionName !== undefined ? { roleSessionName: sessionName } : {}),
    ...(selfWords ? { crossbarCommandWords: selfWords } : {}),
  };
  const plan = () => planAwsConfig(crossbar.registry, workspace ? undefined : configPath, planFlags, ctx.io.env);
  if (!flags.write || flags.dryRun) return showPlan(ctx, flags, plan());
  // Read, merge and write under one lock: a writer running at the same time merges into this one's result
  // instead of both starting from the same old file and the last rename dropping the other's profiles.
  const path = resolveAwsConfigPath(ctx.io.env, homeOf(ctx.io.env));
  const code = await withAwsConfigLock(path, () => Promise.resolve(writePlan(ctx, flags, plan())));
  if (flags.ssoStyle === 'sso-session' || flags.mode === 'role-arn') await shareSsoTokens(ctx, crossbar.registry);
  return code;
}

/**
 * sso_session profiles read the AWS tools' token cache: for each SSO source they use whose session crossbar holds,
 * the token is written there now (and by every later `crossbar login`), so the profiles work at once.
 */
async function shareSsoTokens(ctx: CliContext, registry: Registry): Promise<void> {
  const sessions = new Map<string, { name: string; startUrl: string; region: string; session: string }>();
  for (const account of registry.accounts)
    for (const role of account.roles) {
      const spec = ssoSessionOf(registry, account, role);
      if (spec)
        sessions.set(spec.session, {
          name: spec.source,
          startUrl: spec.startUrl,
          region: spec.region,
          session: spec.session,
        });
    }
  if (sessions.size === 0) return;
  const { openSsoSession } = await import('../sso/open-sso-session.js');
  const { writeAwsTokenCache } = await import('../../core/sso/index.js');
  for (const settings of sessions.values()) {
    const session = openSsoSession(ctx, {
      ...settings,
      ...(registry.config.endpoint ? { endpoint: registry.config.endpoint } : {}),
    });
    try {
      const token = await session.token();
      const written = writeAwsTokenCache(homeOf(ctx.io.env), token);
      ctx.err(
        ctx.colors.dim(
          `[sso-session ${settings.session}]: wrote the AWS token cache ${written} (0600) from crossbar's session`,
        ),
      );
    } catch {
      ctx.err(
        ctx.colors.dim(
          `[sso-session ${settings.session}]: not signed in; \`crossbar login ${settings.name}\` signs in and writes the AWS token cache`,
        ),
      );
    } finally {
      session.close();
    }
  }
}

function summaryOf(plan: AwsConfigPlan, flags: AwsConfigFlags) {
  const { merged } = plan;
  return {
    path: plan.path,
    mode: flags.mode,
    added: merged.added,
    changed: merged.changed,
    removed: merged.removed,
    stale: merged.stale,
  };
}

function showPlan(ctx: CliContext, flags: AwsConfigFlags, plan: AwsConfigPlan): number {
  const { merged } = plan;
  if (ctx.output === 'json' || ctx.output === 'ndjson')
    ctx.out(JSON.stringify({ ...summaryOf(plan, flags), written: false, diff: plan.diff }));
  else if (plan.diff) ctx.io.stdout.write(paintDiff(ctx, plan.diff));
  ctx.err(
    plan.diff
      ? `dry run: ${counts(merged)}; nothing written (pass --write to apply)`
      : `${plan.path} is up to date: nothing to change`,
  );
  reportStale(ctx, merged);
  return EXIT_OK;
}

function writePlan(ctx: CliContext, flags: AwsConfigFlags, plan: AwsConfigPlan): number {
  const { merged } = plan;
  const json = ctx.output === 'json' || ctx.output === 'ndjson';
  const summary = summaryOf(plan, flags);
  if (plan.diff === '') {
    if (json) ctx.out(JSON.stringify({ ...summary, written: false }));
    else ctx.out(`${plan.path} is up to date: ${counts(merged)}`);
    reportStale(ctx, merged);
    return EXIT_OK;
  }
  const written = writeAwsConfigAtomically(plan.path, merged.text);
  if (json) ctx.out(JSON.stringify({ ...summary, written: true, backup: written.backupPath ?? null }));
  else {
    ctx.out(`wrote ${written.path}: ${counts(merged)}`);
    if (written.backupPath) ctx.out(ctx.colors.dim(`backup of the previous file: ${written.backupPath}`));
  }
  reportStale(ctx, merged);
  return EXIT_OK;
}

export function defineAwsConfig(command: Command, runtime: CliRuntime): void {
  command
    .option('--write', "merge the profiles into crossbar's block of the file (a backup is kept)")
    .option('--dry-run', 'only print the diff, even with --write')
    .addOption(
      new Option(
        '--mode <mode>',
        'credential-process (crossbar serves the credentials) or role-arn (native role_arn + source_profile)',
      )
        .choices(AWS_CONFIG_MODES)
        .default('credential-process'),
    )
    .addOption(
      new Option(
        '--sso-style <style>',
        'permission-set roles of SSO sources: credential-process (crossbar serves them) or sso-session (native [sso-session] + sso_session profiles)',
      )
        .choices(SSO_STYLES)
        .default('credential-process'),
    )
    .option('--prune', 'remove the profiles of accounts no longer in crossbar.yaml')
    .option(
      '--crossbar-command <cmd>',
      'the program credential_process runs, e.g. "node /opt/crossbar/bin/crossbar.js" (default: crossbar when it is this program on PATH, else this program by absolute path)',
    )
    .option('--source-profile <name>', 'role-arn mode: the profile with your own keys (default: source.profile)')
    .option('--region <region>', "region of every profile (default: each account's first region)")
    .option(
      '--role-session-name <name>',
      'role-arn mode: the session name CloudTrail shows (default: source.identity, else your IAM user name)',
    )
    .addHelpText(
      'after',
      "\nThe file is AWS_CONFIG_FILE, else ~/.aws/config. Everything outside crossbar's marked block is kept byte for byte; crossbar never writes [default].",
    )
    .action((flags: AwsConfigFlags, command: Command) =>
      runtime.run(command, (ctx) => runAwsConfig(ctx, command, flags)),
    );
}
