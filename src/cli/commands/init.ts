import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { formatProblem, parseConfig } from '../../core/config/index.js';
import { buildRegistry, type Registry, DEFAULT_REGION } from '../../core/config/index.js';
import { homeOf } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import { readAwsConfig, resolveAwsConfigPath } from '../../core/aws-config/index.js';
import { resolveSourceProvider, stsClientFor } from '../../core/credentials/index.js';
import { stsFailure } from '../../core/credentials/index.js';
import { getCallerIdentity, type CallerIdentity } from '../../core/credentials/index.js';
import {
  externalIdsFromAwsConfig,
  externalIdsFromConfig,
  withKnownExternalIds,
  type KnownExternalId,
  createOrganizationsClient,
  discoverOrganization,
  importAwsConfig,
  organizationToConfig,
  renderInitConfig,
  writeConfigFile,
  type DiscoveryProgress,
  type InitConfig,
} from '../../core/init/index.js';
import { sourceEnv } from '../config-context.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { configFlag } from '../open-crossbar.js';
import { EXIT_OK } from '../report-error.js';
import { fromSso, type InitFromSsoFlags } from './init-from-sso.js';

/**
 * `crossbar init`: a crossbar.yaml from the organization (the management account lists its accounts, OUs and
 * tags) or from the role profiles already in `~/.aws/config`. It never replaces a file without --force, and it
 * checks that what it is about to write loads as a registry before writing anything.
 */
export interface InitFlags extends InitFromSsoFlags {
  fromOrganization?: boolean;
  fromAwsConfig?: boolean;
  role?: string;
  namespace?: string;
  out?: string;
  force?: boolean;
  profile?: string;
  endpoint?: string;
  region?: string;
}

interface Found {
  config: InitConfig;
  /** Lines for the file's header and for stderr: what was left out and why. */
  notes: string[];
  /** What the summary says about where the accounts came from. */
  origin: string;
}

const usage = (message: string, hint?: string) => new CrossbarError('USAGE', message, { ...(hint ? { hint } : {}) });

/** `--endpoint`, else CROSSBAR_ENDPOINT (the sandbox); real AWS otherwise. */
export function initEndpoint(flag: string | undefined, env: Record<string, string | undefined>): string | undefined {
  const text = flag ?? (env.CROSSBAR_ENDPOINT || undefined);
  if (text === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw usage(`the endpoint '${text}' is not an http(s) URL`, 'pass --endpoint like http://127.0.0.1:4566');
  return text.replace(/\/+$/, '');
}

function checkFlags(flags: InitFlags): 'organization' | 'aws-config' | 'sso' {
  const chosen = [flags.fromOrganization, flags.fromAwsConfig, flags.fromSso !== undefined].filter(Boolean).length;
  if (chosen > 1)
    throw usage(
      '--from-organization, --from-aws-config and --from-sso cannot be combined',
      'pick one source of accounts; edit crossbar.yaml to merge them',
    );
  if (chosen === 0) {
    throw usage(
      'say where the accounts come from',
      'crossbar init --from-organization (AWS Organizations, from the management account), --from-aws-config (your role profiles) or --from-sso START_URL --sso-region R (IAM Identity Center)',
    );
  }
  if ((flags.ssoRegion !== undefined || flags.sourceName !== undefined) && flags.fromSso === undefined)
    throw usage('--sso-region and --source-name go with --from-sso START_URL');
  if (flags.fromSso !== undefined && (flags.role || flags.profile))
    throw usage(
      '--role and --profile apply to --from-organization',
      'with --from-sso the roles are your permission sets',
    );
  if (flags.fromSso !== undefined) return 'sso';
  if (flags.fromAwsConfig && flags.role)
    throw usage(
      '--role applies to --from-organization',
      'the roles of --from-aws-config come from the role_arn of each profile',
    );
  if (flags.namespace !== undefined && !/^[a-z0-9-]+$/.test(flags.namespace))
    throw usage(`--namespace '${flags.namespace}' must be lower-case letters, digits and dashes`);
  return flags.fromOrganization ? 'organization' : 'aws-config';
}

async function callerOf(ctx: CliContext, flags: InitFlags, endpoint: string | undefined, region: string) {
  // The AWS files under the HOME the CLI was given, as for every other command.
  const source = resolveSourceProvider({
    env: sourceEnv(ctx.io.env),
    region,
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
  });
  const credentials = await source.provider();
  const sts = stsClientFor(credentials, { region, ...(endpoint ? { endpoint } : {}) });
  let caller: CallerIdentity;
  try {
    caller = await getCallerIdentity(sts);
  } catch (err) {
    throw stsFailure(
      err,
      { endpoint, region, sourceLabel: source.label, bySource: true },
      `GetCallerIdentity of ${source.label}`,
    );
  } finally {
    sts.destroy();
  }
  return { credentials, caller, label: source.label };
}

/**
 * Discovery progress on stderr, so that a 5,000-account organization does not look hung: on a terminal one
 * line rewritten in place, otherwise a line per phase and one per 10% of the tags.
 */
function progressPrinter(ctx: CliContext): (event: DiscoveryProgress) => void {
  const tty = ctx.io.stderr.isTTY === true;
  let lastTenth = -1;
  const line = (text: string) => (tty ? ctx.io.stderr.write(`\r\u001b[2K${text}`) : ctx.err(text));
  return (event) => {
    switch (event.phase) {
      case 'accounts':
        if (tty) line(`listing accounts: ${event.listed}`);
        return;
      case 'skipped':
        if (tty) ctx.io.stderr.write('\n');
        ctx.err(`skipping ${event.account.name} (${event.account.id}): ${event.account.status}`);
        return;
      case 'tree':
        line(`${event.placed} accounts in ${event.ous} OUs; reading tags`);
        if (!tty) lastTenth = 0;
        return;
      case 'tags': {
        const tenth = Math.floor((event.done / Math.max(event.total, 1)) * 10);
        if (tty) line(`reading tags: ${event.done}/${event.total}`);
        else if (event.total >= 100 && tenth > lastTenth) line(`reading tags: ${event.done}/${event.total}`);
        lastTenth = Math.max(lastTenth, tenth);
        if (tty && event.done === event.total) ctx.io.stderr.write('\n');
        return;
      }
    }
  };
}

/**
 * ExternalIds the person already has: role profiles of their AWS config, and the crossbar.yaml being replaced.
 * A file that cannot be read is no reason to stop an import: it is noted and passed over.
 */
function knownExternalIds(ctx: CliContext, out: string): { known: KnownExternalId[]; notes: string[] } {
  const known: KnownExternalId[] = [];
  const notes: string[] = [];
  const awsConfig = resolveAwsConfigPath(ctx.io.env, homeOf(ctx.io.env));
  try {
    const { text, exists } = readAwsConfig(awsConfig);
    if (exists) known.push(...externalIdsFromAwsConfig(text, awsConfig));
  } catch (err) {
    notes.push(`ExternalIds not read from ${awsConfig}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (existsSync(out)) {
    const previous = parseConfig(readFileSync(out, 'utf8'), out).config;
    if (previous) known.push(...externalIdsFromConfig(previous.accounts, out));
  }
  return { known, notes };
}

async function fromOrganization(
  ctx: CliContext,
  flags: InitFlags,
  endpoint: string | undefined,
  out: string,
): Promise<Found> {
  const region = flags.region ?? ctx.io.env.AWS_REGION ?? DEFAULT_REGION;
  const { credentials, caller, label } = await callerOf(ctx, flags, endpoint, region);
  ctx.err(`listing the organization as ${caller.arn} (${label})`);
  const client = createOrganizationsClient({ credentials, region, ...(endpoint ? { endpoint } : {}) });
  const progress = progressPrinter(ctx);
  try {
    const org = await discoverOrganization(client, {
      ...(flags.role ? { roleName: flags.role } : {}),
      caller: caller.arn,
      ...(endpoint ? { endpoint } : {}),
      onProgress: (event: DiscoveryProgress) => progress(event),
    });
    const discovered = organizationToConfig(org, flags.namespace ? { namespace: flags.namespace } : {});
    const externalIds = knownExternalIds(ctx, out);
    const { config, notes: externalIdNotes } = withKnownExternalIds(discovered, externalIds.known);
    const profile = flags.profile ?? ctx.io.env.AWS_PROFILE;
    const notes = [
      ...org.skipped.map((s) => `left out ${s.name} (${s.id}): ${s.status}, not ACTIVE`),
      ...externalIds.notes,
      ...externalIdNotes,
    ];
    return {
      config: { ...config, ...(profile ? { source: { profile } } : {}) },
      notes,
      origin: `organization ${org.id} (management account ${org.managementAccountId}), role ${org.roleName}`,
    };
  } finally {
    client.destroy();
  }
}

function fromAwsConfig(ctx: CliContext, flags: InitFlags): Found {
  const path = resolveAwsConfigPath(ctx.io.env, homeOf(ctx.io.env));
  const { text, exists } = readAwsConfig(path);
  if (!exists)
    throw new CrossbarError('CONFIG_NOT_FOUND', `there is no AWS config file at ${path}`, {
      hint: 'set AWS_CONFIG_FILE to your config file, or use --from-organization',
    });
  const found = importAwsConfig(text, path);
  if (found.imported.length === 0) {
    throw new CrossbarError('NOT_FOUND', `${path} has no role profiles (role_arn) to import`, {
      hint: 'crossbar imports profiles such as [profile acme-prod-admin] with role_arn and source_profile; or use --from-organization',
    });
  }
  const namespace = flags.namespace;
  const config = namespace ? { ...found.config, organization: { name: namespace, namespace } } : found.config;
  const skipped = found.skipped.map((s) => `skipped [${s.profile}] (${path}:${s.line}): ${s.reason}`);
  return {
    config,
    notes: [...found.notes, ...skipped],
    origin: `${found.imported.length} role profile${found.imported.length === 1 ? '' : 's'} of ${path}`,
  };
}

/** The file as it will be written: rendered, the endpoint appended, and loaded back as a registry to be sure. */
function renderChecked(
  found: Found,
  argv: string,
  endpoint: string | undefined,
  out: string,
): { text: string; registry: Registry } {
  const rendered = renderInitConfig({
    ...found.config,
    generatedBy: argv,
    generatedAt: new Date(),
    notes: found.notes,
  });
  const text = endpoint
    ? `${rendered}# Only for the sandbox or another AWS-compatible endpoint; remove it for AWS itself.\nendpoint: ${endpoint}\n`
    : rendered;
  const parsed = parseConfig(text, out);
  if (!parsed.config) {
    throw new CrossbarError(
      'ERROR',
      `the crossbar.yaml init made does not load: ${parsed.problems.map(formatProblem).join('; ')}`,
      {
        hint: 'this is a bug in crossbar init; nothing was written. Run again with --debug and report it',
      },
    );
  }
  return { text, registry: buildRegistry(parsed.config) };
}

function countBy(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([v, n]) => `${v} ${n}`)
    .join(', ');
}

function printSummary(ctx: CliContext, out: string, registry: Registry, found: Found): void {
  // The root (`/`) is where accounts outside any OU sit, not an OU.
  const ous = [...new Set(registry.accounts.flatMap((a) => (a.ou && a.ou !== '/' ? [a.ou] : [])))].sort();
  const stages = registry.accounts.flatMap((a) => (a.stage ? [a.stage] : []));
  const roles = [...new Set(registry.accounts.flatMap((a) => a.roles.map((r) => r.name)))];
  // Each source with how many accounts it serves, when there are several (one identity per source).
  const sources = [...new Set(registry.accounts.map((a) => a.source))].map((name) => ({
    name,
    accounts: registry.accounts.filter((a) => a.source === name).length,
  }));
  if (ctx.output === 'json' || ctx.output === 'ndjson') {
    ctx.out(
      JSON.stringify({
        path: out,
        accounts: registry.accounts.length,
        ous,
        stages: Object.fromEntries(stages.map((s) => [s, stages.filter((x) => x === s).length])),
        roles,
        sources: Object.fromEntries(sources.map((s) => [s.name, s.accounts])),
        notes: found.notes,
      }),
    );
    return;
  }
  const { bold, dim } = ctx.colors;
  ctx.out(`${bold('wrote')} ${out}`);
  ctx.out(`  from      ${found.origin}`);
  ctx.out(`  accounts  ${registry.accounts.length}`);
  if (ous.length > 0) ctx.out(`  OUs       ${ous.length}: ${ous.join(', ')}`);
  ctx.out(`  stages    ${stages.length > 0 ? countBy(stages) : 'none found (set stage: on each account)'}`);
  ctx.out(`  roles     ${roles.join(', ')}`);
  if (sources.length > 1) ctx.out(`  sources   ${sources.map((s) => `${s.name} ${s.accounts}`).join(', ')}`);
  for (const note of found.notes) ctx.err(dim(`note: ${note}`));
  ctx.out();
  ctx.out('Next:');
  ctx.out(`  crossbar accounts list           ${dim('# the registry, coloured by stage')}`);
  ctx.out(`  crossbar accounts check          ${dim('# can you reach every account, and if not, why')}`);
  ctx.out(`  crossbar aws-config --dry-run    ${dim('# the ~/.aws/config profiles it would write')}`);
}

export async function runInit(ctx: CliContext, command: Command, flags: InitFlags): Promise<number> {
  const mode = checkFlags(flags);
  const endpoint = initEndpoint(flags.endpoint, ctx.io.env);
  // `crossbar --config FILE init` writes the file every later `--config FILE` reads.
  const out = resolve(ctx.io.cwd, flags.out ?? configFlag(command) ?? 'crossbar.yaml');
  // Refuse early, before listing 5,000 accounts; writeConfigFile checks again, without racing.
  if (!flags.force && existsSync(out))
    throw usage(`${out} exists: pass --force to replace it`, 'or write elsewhere with --out FILE');
  const found =
    mode === 'organization'
      ? await fromOrganization(ctx, flags, endpoint, out)
      : mode === 'sso'
        ? await fromSso(ctx, flags, endpoint)
        : fromAwsConfig(ctx, flags);
  const { text, registry } = renderChecked(found, generatedBy(flags), endpoint, out);
  writeConfigFile(out, text, { force: flags.force === true });
  printSummary(ctx, out, registry, found);
  return EXIT_OK;
}

export function defineInit(command: Command, runtime: CliRuntime): void {
  command
    .option(
      '--from-organization',
      "list the organization's ACTIVE accounts with OU paths and tags (management account or delegated administrator)",
    )
    .option('--from-aws-config', 'import the role profiles of ~/.aws/config (AWS_CONFIG_FILE is respected)')
    .option(
      '--from-sso <start-url>',
      'sign in to IAM Identity Center and list the accounts and permission sets it grants you (with --sso-region)',
    )
    .option('--sso-region <region>', 'with --from-sso: the region of the Identity Center instance')
    .option('--source-name <name>', 'with --from-sso: the name of the SSO source in crossbar.yaml (default: sso)')
    .option('--no-browser', 'with --from-sso: print the sign-in URL and code, do not open the browser')
    .option(
      '--role <name>',
      'with --from-organization: the role to reach every account through (default OrganizationAccountAccessRole)',
    )
    .option('--namespace <ns>', 'the label namespace of profile names ({namespace}-{name}-{role})')
    .option('--out <file>', 'where to write (default: --config, else ./crossbar.yaml)')
    .option('--force', 'replace an existing file')
    .option(
      '--profile <name>',
      "with --from-organization: the AWS profile to list the organization with (default: the SDK's credential chain)",
    )
    .option(
      '--endpoint <url>',
      'an AWS-compatible endpoint such as the sandbox (default: $CROSSBAR_ENDPOINT, else AWS)',
    )
    .option('--region <region>', 'region for STS and Organizations calls (default: $AWS_REGION, else us-east-1)')
    .action((flags: InitFlags, command: Command) => runtime.run(command, (ctx) => runInit(ctx, command, flags)));
}

/** The command line for the file's header, without secrets or paths that only make sense here. */
function generatedBy(flags: InitFlags): string {
  const words = ['crossbar init'];
  if (flags.fromOrganization) words.push('--from-organization');
  if (flags.fromAwsConfig) words.push('--from-aws-config');
  if (flags.fromSso !== undefined) words.push('--from-sso', flags.fromSso, '--sso-region', flags.ssoRegion ?? '');
  if (flags.sourceName) words.push('--source-name', flags.sourceName);
  if (flags.role) words.push('--role', flags.role);
  if (flags.namespace) words.push('--namespace', flags.namespace);
  return words.join(' ');
}
