import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { DEFAULT_ENDPOINT, askSandbox, isRecord, sandboxEndpoint } from './sandbox-mfa-code.js';

/**
 * `crossbar sandbox approve USER CODE [--deny]`: what a person does on the sandbox's verification page, for tests
 * and scripts: approve (or deny) the SSO sign-in request showing CODE as the identity-store user USER.
 */
export interface ApproveFlags {
  endpoint?: string;
  deny?: boolean;
}

export async function postApproval(
  endpoint: string,
  user: string,
  code: string,
  deny: boolean,
  signal: AbortSignal,
): Promise<string> {
  const { response, body } = await askSandbox(
    endpoint,
    `${endpoint}/_sandbox/sso/approve`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user, code, deny }) },
    signal,
  );
  if (response.ok && isRecord(body) && typeof body.decision === 'string') return body.decision;
  const message =
    isRecord(body) && typeof body.error === 'string' ? body.error : `the sandbox answered HTTP ${response.status}`;
  if (response.status === 404 && isRecord(body) && Array.isArray(body.users)) {
    const users = body.users.filter((u): u is string => typeof u === 'string');
    throw new CrossbarError('UNKNOWN_USER', message, {
      hint: users.length > 0 ? `identity-store users: ${users.join(', ')}` : 'the identity store has no users',
    });
  }
  throw new CrossbarError('NOT_FOUND', message, {
    hint: 'use the code the sign-in printed (ABCD-EFGH), within its 10 minutes',
  });
}

export async function runApprove(
  ctx: CliContext,
  command: Command,
  user: string,
  code: string,
  flags: ApproveFlags,
): Promise<number> {
  const endpoint = await sandboxEndpoint(ctx, command, flags.endpoint);
  const decision = await postApproval(endpoint, user, code, flags.deny === true, ctx.signal);
  const shown = code.trim().toUpperCase();
  if (ctx.output === 'json' || ctx.output === 'ndjson') ctx.out(JSON.stringify({ user, code: shown, decision }));
  else ctx.out(`${decision === 'denied' ? 'denied' : 'approved'} ${shown} for ${user}`);
  return EXIT_OK;
}

export function defineSandboxApprove(command: Command, runtime: CliRuntime): void {
  command
    .argument('<user>', 'the identity-store user who signs in, e.g. alice')
    .argument('<code>', 'the user code the sign-in shows, e.g. BCDF-GHJK')
    .option('--deny', 'deny the request instead of approving it')
    .option(
      '--endpoint <url>',
      `the sandbox (default: $CROSSBAR_ENDPOINT, else the endpoint of crossbar.yaml, else ${DEFAULT_ENDPOINT})`,
    )
    .action((user: string, code: string, flags: ApproveFlags, command: Command) =>
      runtime.run(command, (ctx) => runApprove(ctx, command, user, code, flags)),
    );
}
