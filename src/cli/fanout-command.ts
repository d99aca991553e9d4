import type { Command } from 'commander';
import type { Crossbar } from '../core/crossbar.js';
import type { SourceIdentity } from '../core/credentials/index.js';
import { CrossbarError } from '../core/errors.js';
import { invalidRegionMessage, looksLikeRegion, parseRegionList } from '../core/fanout/index.js';
import type { FanoutAccount, FanoutProgress } from '../core/fanout/index.js';
import type { RegistryAccount } from '../core/config/index.js';
import type { CliContext } from './context.js';
import { openCrossbarFor, type HopFlags } from './open-crossbar.js';
import { createProgressBar } from './render/progress.js';
import { EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK } from './report-error.js';

/**
 * What every fan-out command (`run`, `inventory sync`, `audit`, `audit trail`) shares: the flags that bound the
 * work (--regions, --concurrency, --per-account, --timeout, --role, --mfa-code), the selection of accounts, the
 * source check, the progress bar, the "✓ summary in Xs" line and the exit code (1 when anything failed, 130 on
 * Ctrl-C). A fan-out command adds its own flags and its work in between:
 *
 *     addFanoutFlags(command, { concurrency: … })                 // when it is defined
 *     const limits = parseFanoutFlags(flags, spec)                 // usage errors before any AWS call
 *     const fan = await openFanout(ctx, command, selector, flags, { banner })
 *     const report = await withProgress(ctx, (onProgress) => work(fan, limits, onProgress))
 *     return finishFanout(ctx, { failed, text, elapsedMs, interrupted })
 */
export interface FanoutFlags extends HopFlags {
  regions?: string;
  concurrency?: string;
  perAccount?: string;
  timeout?: string;
  role?: string;
}

export interface FanoutFlagSpec {
  /** The command's words, for messages: `audit trail`. */
  name: string;
  /** `--regions LIST|all`; `all: false` when the command cannot read every enabled region. Absent: no flag. */
  regions?: { help?: string; all?: boolean };
  concurrency?: { default: number; help: string };
  perAccount?: { default: number; help: string };
  /** Seconds. */
  timeout?: { default: number; help: string };
  /** The help of `--role`, when the command takes it. */
  role?: string;
  /** `--mfa-code`, for commands that assume roles. */
  mfaCode?: boolean;
}

const REGIONS_HELP =
  "comma-separated regions, or all (the regions enabled in each account); default: each account's configured regions";
export const ROLE_HELP = "the role to use in every account (its key or IAM name; default: each account's default role)";
export const SELECTOR_HELP =
  'which accounts: names, ids, globs, stage=prod, tag:team=x, workspace=w, all (default); ! excludes';

/** Adds the shared flags the spec names, in one order for every fan-out command. */
export function addFanoutFlags(command: Command, spec: FanoutFlagSpec): Command {
  if (spec.regions) command.option('--regions <list>', spec.regions.help ?? REGIONS_HELP);
  if (spec.concurrency) command.option('--concurrency <n>', spec.concurrency.help, String(spec.concurrency.default));
  if (spec.perAccount) command.option('--per-account <n>', spec.perAccount.help, String(spec.perAccount.default));
  if (spec.timeout) command.option('--timeout <seconds>', spec.timeout.help, String(spec.timeout.default));
  if (spec.role) command.option('--role <role>', spec.role);
  if (spec.mfaCode)
    command.option('--mfa-code <code>', 'the current MFA code, for roles that need MFA (also CROSSBAR_MFA_CODE)');
  return command;
}

/** A numeric flag: a whole number within bounds, or a usage error that names the flag and the bounds. */
export function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CrossbarError('USAGE', `${flag} must be a whole number from ${min} to ${max} (got '${text}')`);
  return n;
}

/** `--timeout`: seconds (fractions allowed) up to an hour, as milliseconds. */
export function timeoutMs(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 3600)
    throw new CrossbarError('USAGE', `--timeout must be seconds from 1 to 3600 (got '${text}')`);
  return Math.round(n * 1000);
}

export interface FanoutLimits {
  /** undefined: each account's configured regions. */
  regions: string[] | 'all' | undefined;
  concurrency: number;
  perAccount: number;
  timeoutMs: number;
}

/** Checks the shared flags before anything touches AWS. */
export function parseFanoutFlags(flags: FanoutFlags, spec: FanoutFlagSpec): FanoutLimits {
  const concurrency = wholeNumber('--concurrency', flags.concurrency ?? String(spec.concurrency?.default), 1, 1024);
  const perAccount = wholeNumber('--per-account', flags.perAccount ?? String(spec.perAccount?.default ?? 1), 1, 256);
  const timeout = timeoutMs(flags.timeout ?? String(spec.timeout?.default));
  const regions = flags.regions === undefined ? undefined : parseRegionList(flags.regions);
  if (regions === 'all' && spec.regions?.all === false)
    throw new CrossbarError('USAGE', `--regions all is not supported by ${spec.name}`, {
      hint: 'name the regions, e.g. --regions us-east-1,eu-west-1',
    });
  // A name that cannot be a region is a typo: refused here, before any role is assumed, not once per target.
  const malformed = Array.isArray(regions) ? regions.find((r) => !looksLikeRegion(r)) : undefined;
  if (malformed !== undefined)
    throw new CrossbarError('USAGE', invalidRegionMessage(malformed), {
      hint: 'region names look like us-east-1 or eu-west-1; --regions all reads the regions enabled in each account',
    });
  if (Array.isArray(regions) && regions.length === 0)
    throw new CrossbarError('USAGE', '--regions is empty', {
      hint:
        spec.regions?.all === false
          ? 'e.g. --regions us-east-1,eu-west-1'
          : 'e.g. --regions us-east-1,eu-west-1 or --regions all',
    });
  return { regions, concurrency, perAccount, timeoutMs: timeout };
}

/** `us-east-1, eu-west-1`, `every enabled region` or `their configured regions`, for the banner. */
export function regionText(regions: FanoutLimits['regions']): string {
  if (regions === undefined) return 'their configured regions';
  return regions === 'all' ? 'every enabled region' : regions.join(', ');
}

/** `1 account`, `3 accounts`. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export interface OpenFanoutOptions {
  /** Include the source's own account when everything is selected (the audit reads its people). */
  includeSource?: boolean;
  /** A selector that matches nothing is a usage error (the default); `run` reports an empty run instead. */
  requireAccounts?: boolean;
  /** Checks that need the accounts but no AWS call (roles marked confirm: true), run before the source check. */
  check?: (accounts: readonly FanoutAccount[], crossbar: Crossbar) => void;
  /** Skip the source check: the command signs in otherwise, or not at all. */
  skipSourceCheck?: boolean;
  /** The dim line on stderr that says what is about to happen. */
  banner?: (fan: {
    crossbar: Crossbar;
    accounts: readonly FanoutAccount[];
    source: SourceIdentity | undefined;
  }) => string;
}

export interface Fanout {
  crossbar: Crossbar;
  accounts: FanoutAccount[];
  /** The source identity, checked once: a source that cannot sign in would fail every target the same way. */
  source: SourceIdentity | undefined;
  /** Ctrl-C: work stops, what finished is reported, the command exits 130. */
  signal: AbortSignal;
}

/** Opens the root, selects the accounts, checks the source, takes over Ctrl-C and prints the banner. */
export async function openFanout(
  ctx: CliContext,
  command: Command,
  selector: string | undefined,
  flags: FanoutFlags,
  options: OpenFanoutOptions = {},
): Promise<Fanout> {
  const { crossbar } = await openCrossbarFor(ctx, command, flags);
  const accounts = await crossbar.fanoutAccounts(selector, { role: flags.role, includeSource: options.includeSource });
  if (accounts.length === 0 && options.requireAccounts !== false)
    throw new CrossbarError('USAGE', `no account matches '${selector ?? ''}'`);
  options.check?.(accounts, crossbar);
  const source = options.skipSourceCheck
    ? undefined
    : (
        await checkSources(
          ctx,
          crossbar,
          accounts.map((a) => a.account),
        )
      ).primary;
  const signal = ctx.handleInterrupts();
  if (options.banner) ctx.err(ctx.colors.dim(options.banner({ crossbar, accounts, source })));
  return { crossbar, accounts, source, signal };
}

/** The sources a run's accounts use, checked: who each is, and the one the run is said to be "as". */
export interface CheckedSources {
  /** The default source's identity when it is used and works, else the first that works. */
  primary: SourceIdentity | undefined;
  /** Each source that signed in, by name. */
  identities: Map<string, SourceIdentity>;
}

/**
 * Checks the sources the accounts are reached from, each once. One source that cannot sign in fails the run with its
 * one clear error (every target would fail the same way); with several, the run goes on for the sources that work,
 * with one line per source that does not (its accounts then fail with its error), unless none works.
 */
export async function checkSources(
  ctx: CliContext,
  crossbar: Crossbar,
  accounts: readonly Pick<RegistryAccount, 'source'>[],
): Promise<CheckedSources> {
  const names = crossbar.sourcesOf(accounts);
  const [only] = names;
  if (names.length <= 1) {
    const identity = await crossbar.sourceIdentity(only);
    return { primary: identity, identities: new Map([[only ?? crossbar.defaultSource, identity]]) };
  }
  const checked = await Promise.allSettled(names.map((name) => crossbar.sourceIdentity(name)));
  const identities = new Map<string, SourceIdentity>();
  const failed: { name: string; error: unknown }[] = [];
  checked.forEach((r, i) => {
    const name = names[i] ?? '';
    if (r.status === 'fulfilled') identities.set(name, r.value);
    else failed.push({ name, error: r.reason });
  });
  const [first] = failed;
  if (identities.size === 0 && first) throw first.error;
  for (const { name, error } of failed) {
    const count = accounts.filter((a) => a.source === name).length;
    const why = error instanceof Error ? error.message : String(error);
    ctx.err(ctx.colors.yellow(`source ${name}: ${why} — its ${count} account${count === 1 ? '' : 's'} will fail`));
  }
  return { primary: identities.get(crossbar.defaultSource) ?? [...identities.values()][0], identities };
}

/** Runs the work with a live progress bar on stderr (a terminal only), erased before anything else prints. */
export async function withProgress<T>(
  ctx: CliContext,
  work: (onProgress: (progress: FanoutProgress) => void) => Promise<T>,
): Promise<T> {
  const bar = createProgressBar(ctx.io.stderr, { colors: ctx.colors });
  try {
    return await work((p) => bar.update(p));
  } finally {
    bar.stop();
  }
}

export interface FanoutOutcome {
  /** Anything failed or was not covered: exit 1. */
  failed: boolean;
  /** `47 ok, 3 failed (DENIED ×2, THROTTLED ×1)`. */
  text: string;
  /** Shown as ` in 1.2s`, dimmed. */
  elapsedMs?: number;
  /** More pace, after the time: `, 312 API calls`. */
  pace?: string;
  /** A red remark when failing (` — 2 at or above --fail-on high`). */
  failure?: string;
  interrupted: boolean;
  /** What an interrupted run left behind, in yellow after ` — interrupted: `. */
  interruptedNote?: string;
}

/** Prints the one summary line on stderr (`✓ …` / `✗ …`) and returns the exit code. */
export function finishFanout(ctx: CliContext, outcome: FanoutOutcome): number {
  const { colors } = ctx;
  const mark = outcome.failed ? colors.red('✗') : colors.green('✓');
  const pace =
    outcome.elapsedMs === undefined
      ? ''
      : colors.dim(` in ${(outcome.elapsedMs / 1000).toFixed(1)}s${outcome.pace ?? ''}`);
  const failure = outcome.failure ? colors.red(outcome.failure) : '';
  const interrupted =
    outcome.interrupted && outcome.interruptedNote ? colors.yellow(` — interrupted: ${outcome.interruptedNote}`) : '';
  ctx.err(`${mark} ${outcome.text}${pace}${failure}${interrupted}`);
  if (outcome.interrupted) return EXIT_INTERRUPTED;
  return outcome.failed ? EXIT_FAILED : EXIT_OK;
}
