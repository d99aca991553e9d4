import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { configFlag } from '../open-crossbar.js';

/** `crossbar sandbox mfa-code USER`: a TOTP of a sandbox user's virtual MFA device that was not used or handed out yet. */
export interface MfaCodeFlags {
  endpoint?: string;
  account?: string;
}

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:4566';

/**
 * `--endpoint`, else CROSSBAR_ENDPOINT, else the `endpoint:` of crossbar.yaml (the one `--config` or
 * CROSSBAR_CONFIG names, as every other command finds it), else the sandbox's default address.
 */
export function resolveEndpoint(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  configured?: string,
): string {
  const text = flag ?? (env.CROSSBAR_ENDPOINT || undefined) ?? configured ?? DEFAULT_ENDPOINT;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CrossbarError('USAGE', `the endpoint '${text}' is not a URL`, {
      hint: `pass --endpoint like ${DEFAULT_ENDPOINT}`,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CrossbarError('USAGE', `the endpoint '${text}' is not an http(s) URL`);
  return text.replace(/\/+$/, '');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * One request to the sandbox's own admin endpoint (under /_sandbox/) and its JSON answer; an endpoint that does not
 * answer, or answers with something that is not JSON, is one clear line naming it.
 */
export async function askSandbox(
  endpoint: string,
  url: string | URL,
  init: RequestInit,
  signal: AbortSignal,
): Promise<{ response: Response; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) });
  } catch (cause) {
    throw new CrossbarError(
      'ENDPOINT_UNREACHABLE',
      `no sandbox answers at ${endpoint}: start one with \`crossbar sandbox start\``,
      { cause },
    );
  }
  try {
    return { response, body: await response.json() };
  } catch (cause) {
    throw new CrossbarError(
      'ENDPOINT_UNREACHABLE',
      `${endpoint} answered, but it is not a crossbar sandbox (HTTP ${response.status})`,
      { cause, hint: 'pass --endpoint with the address `crossbar sandbox start` printed' },
    );
  }
}

/** Asks the sandbox's own admin endpoint; AWS has no such thing, which is why this is sandbox only. */
export async function fetchMfaCode(
  endpoint: string,
  user: string,
  account: string | undefined,
  signal: AbortSignal,
): Promise<string> {
  const url = new URL(`${endpoint}/_sandbox/mfa-code`);
  url.searchParams.set('user', user);
  if (account) url.searchParams.set('account', account);
  const { response, body } = await askSandbox(endpoint, url, {}, signal);
  if (response.ok && isRecord(body) && typeof body.code === 'string') return body.code;
  if (response.status === 404 && isRecord(body) && Array.isArray(body.users)) {
    const users = body.users.filter((u): u is string => typeof u === 'string');
    const where = typeof body.account === 'string' ? body.account : (account ?? 'the management account');
    throw new CrossbarError('UNKNOWN_USER', `the sandbox has no user '${user}' with an MFA device in ${where}`, {
      hint:
        users.length > 0 ? `users with an MFA device there: ${users.join(', ')}` : 'no user there has an MFA device',
    });
  }
  const message =
    isRecord(body) && typeof body.error === 'string' ? body.error : `the sandbox answered HTTP ${response.status}`;
  throw new CrossbarError('SANDBOX', message, {
    hint: 'the demo organization has alice (with MFA) and bob in 111111111111',
  });
}

/**
 * The sandbox a command of `crossbar sandbox …` talks to (resolveEndpoint's order); crossbar.yaml is read only when
 * neither `--endpoint` nor CROSSBAR_ENDPOINT names it.
 */
export async function sandboxEndpoint(ctx: CliContext, command: Command, flag: string | undefined): Promise<string> {
  const configured = flag || ctx.io.env.CROSSBAR_ENDPOINT ? undefined : await configuredEndpoint(ctx, command);
  return resolveEndpoint(flag, ctx.io.env, configured);
}

/** The endpoint of crossbar.yaml, when there is a readable one; any doubt leaves it to the default. */
async function configuredEndpoint(ctx: CliContext, command: Command): Promise<string | undefined> {
  try {
    const { resolveConfigPath } = await import('../../core/config-location.js');
    const { loadConfigFile } = await import('../../core/config/index.js');
    return loadConfigFile(resolveConfigPath({ flag: configFlag(command), env: ctx.io.env, cwd: ctx.io.cwd })).endpoint;
  } catch {
    return undefined;
  }
}

export async function runMfaCode(
  ctx: CliContext,
  command: Command,
  user: string,
  flags: MfaCodeFlags,
): Promise<number> {
  const endpoint = await sandboxEndpoint(ctx, command, flags.endpoint);
  const code = await fetchMfaCode(endpoint, user, flags.account, ctx.signal);
  if (ctx.output === 'json' || ctx.output === 'ndjson') ctx.out(JSON.stringify({ user, code }));
  else ctx.out(code);
  return EXIT_OK;
}

export function defineSandboxMfaCode(command: Command, runtime: CliRuntime): void {
  command
    .argument('<user>', 'the IAM user, e.g. alice')
    .option(
      '--endpoint <url>',
      `the sandbox (default: $CROSSBAR_ENDPOINT, else the endpoint of crossbar.yaml, else ${DEFAULT_ENDPOINT})`,
    )
    .option('--account <id>', 'the account of the user (default: the management account)')
    .action((user: string, flags: MfaCodeFlags, command: Command) =>
      runtime.run(command, (ctx) => runMfaCode(ctx, command, user, flags)),
    );
}
