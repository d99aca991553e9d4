import { hostname } from 'node:os';
import type { Command } from 'commander';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';
import { parseStatus } from '../team/auth-answers.js';
import { anyAnswer, normalizeServerUrl, ServerClient } from '../team/server-client.js';
import { crossbarHomeOf } from '../team/signed-in.js';
import { loadServerState, saveServerState, type ServerState } from '../team/server-state.js';
import { forgetToken, keepToken, loadToken, osTokenKeyring, tokenFilePath } from '../team/token-store.js';
import { loginWithDevice, loginWithSetup, loginWithToken, type LoginResult } from '../team/login-flows.js';

/**
 * `crossbar login --server URL`: signs the CLI in to a team server. Three ways: the device flow (a code the person
 * approves while signed in to the server in a browser), a given API token (`--token`), or, on a new server, the
 * setup token `crossbar serve` printed (`--setup TOKEN --username U`: creates the first owner). The token goes to
 * the OS keyring or a 0600 file (said once, here); the server and the current workspace to CROSSBAR_HOME/server.json.
 */
interface LoginFlags {
  server?: string;
  token?: string;
  setup?: string;
  username?: string;
  passwordStdin?: boolean;
  name?: string;
  /** `--no-browser` (SSO): print the URL and code only. */
  browser?: boolean;
}

function previousSignIn(home: string): ServerState | undefined {
  try {
    return loadServerState(home);
  } catch {
    return undefined; // a damaged server.json is replaced by this login
  }
}

/**
 * `crossbar login [SOURCE]` without --server (or --token, --setup): an SSO source of crossbar.yaml when it has any
 * (or one was named); otherwise the team server signed in to before.
 */
async function ssoLogin(ctx: CliContext, command: Command, flags: LoginFlags, source: string | undefined) {
  if (flags.server !== undefined || flags.token !== undefined || flags.setup !== undefined) {
    if (source !== undefined)
      throw new CrossbarError(
        'USAGE',
        `login ${source} signs in to an SSO source; --server, --token and --setup are for a team server`,
      );
    return undefined;
  }
  const { loadSsoSources, forgetSourceCredentials } = await import('../sso/sso-sources.js');
  const found = await loadSsoSources(ctx, command, source !== undefined);
  if (!found || (!found.hasSso && source === undefined)) return undefined;
  const { pickSsoSource, runSsoLogin } = await import('../sso/sso-login.js');
  const { ssoSettingsOf } = await import('../sso/open-sso-session.js');
  const picked = pickSsoSource(found.sources, found.defaultSource, source);
  const code = await runSsoLogin(ctx, ssoSettingsOf(picked, found.endpoint), flags);
  forgetSourceCredentials(ctx, found.registry, picked.name);
  return code;
}

export async function runLogin(
  ctx: CliContext,
  flags: LoginFlags,
  command?: Command,
  source?: string,
): Promise<number> {
  if (command) {
    const sso = await ssoLogin(ctx, command, flags, source);
    if (sso !== undefined) return sso;
  }
  const home = crossbarHomeOf(ctx);
  const previous = previousSignIn(home);
  const given = flags.server ?? previous?.url;
  if (given === undefined)
    throw new CrossbarError('USAGE', 'which server? no --server given and none signed in before', {
      hint: 'crossbar login --server URL (the URL `crossbar serve` prints); for IAM Identity Center, an sso: source in crossbar.yaml',
    });
  if (flags.token !== undefined && flags.setup !== undefined)
    throw new CrossbarError('USAGE', '--token and --setup are two different ways to sign in: give one');
  if ((flags.username !== undefined || flags.passwordStdin) && flags.setup === undefined)
    throw new CrossbarError('USAGE', '--username and --password-stdin go with --setup (creating the first owner)', {
      hint: 'crossbar login --server URL alone signs in an existing user through the browser',
    });
  const url = normalizeServerUrl(given);
  const client = new ServerClient(url, { signal: ctx.signal });
  const status = await client.get('/api/status', parseStatus);
  const name = flags.name ?? `crossbar CLI on ${hostname()}`.slice(0, 128);
  let result: LoginResult;
  if (flags.setup !== undefined) {
    result = await loginWithSetup(ctx, client, {
      setupToken: flags.setup,
      username: flags.username,
      name,
      ...stdin(flags),
    });
  } else if (!status.setup_done) {
    throw new CrossbarError('USAGE', `the crossbar server at ${url} has no owner yet`, {
      hint: `create one: crossbar login --server ${url} --setup TOKEN --username NAME (TOKEN is what \`crossbar serve\` printed)`,
    });
  } else if (flags.token !== undefined) {
    result = await loginWithToken(client, flags.token);
  } else {
    result = await loginWithDevice(ctx, client, name);
  }
  const finishEarlier = await replaceEarlier(ctx, home, previous);
  const store = await keepToken(home, result.token, ctx.io.env, osTokenKeyring(url));
  if (previous?.tokenId !== result.tokenId) await finishEarlier(url);
  const sameMember = previous?.url === url && previous.username === result.username;
  saveServerState(home, {
    url,
    username: result.username,
    tokenId: result.tokenId,
    tokenStore: store,
    ...(sameMember && previous.workspace ? { workspace: previous.workspace } : {}),
  });
  const { bold, dim } = ctx.colors;
  ctx.err(`Signed in to ${bold(url)} as ${bold(result.username)}.`);
  const keyringWanted = ctx.io.env['CROSSBAR_KEY_STORE'] !== 'file';
  ctx.err(
    dim(
      store === 'keyring'
        ? 'The token is kept in the OS keyring.'
        : `The token is kept in ${tokenFilePath(home)} (0600)${keyringWanted ? ': the OS keyring is unavailable' : ''}.`,
    ),
  );
  if (!sameMember || !previous.workspace)
    ctx.err(dim('Next: crossbar workspace list, then crossbar workspace use NAME.'));
  return EXIT_OK;
}

function stdin(flags: LoginFlags): { passwordStdin?: true } {
  return flags.passwordStdin ? { passwordStdin: true } : {};
}

/**
 * The token of an earlier sign-in is revoked when a new one replaces it (read before the new one is kept: they may
 * share the file or the keyring entry); failing that is no reason to fail the login.
 */
async function replaceEarlier(
  ctx: CliContext,
  home: string,
  previous: ServerState | undefined,
): Promise<(newUrl: string) => Promise<void>> {
  if (!previous) return async () => {};
  const keyring = osTokenKeyring(previous.url);
  const token = await loadToken(home, previous.tokenStore, keyring).catch(() => undefined);
  return async (newUrl) => {
    if (token)
      await new ServerClient(previous.url, { token, signal: ctx.signal, timeoutMs: 5_000 })
        .delete(`/api/tokens/${encodeURIComponent(previous.tokenId)}`, anyAnswer)
        .catch(() => {}); // the old server may be gone; its token expires on its own
    if (previous.tokenStore === 'keyring' && previous.url !== newUrl) await forgetToken(home, 'keyring', keyring);
  };
}

export function defineLogin(command: Command, runtime: CliRuntime): void {
  command
    .option('--server <url>', 'the team server (what `crossbar serve` prints); default: the last one signed in to')
    .option('--token <token>', 'sign in with an API token (xbt_…) instead of approving a code in the browser')
    .option('--setup <token>', 'a new server: create its first owner with the setup token `crossbar serve` printed')
    .option('--username <name>', 'with --setup: the owner to create')
    .option('--password-stdin', 'with --setup: read the password from stdin instead of asking twice on the terminal')
    .option('--name <name>', 'what the server calls this sign-in in its token list (default: crossbar CLI on HOST)')
    .option('--no-browser', 'SSO: print the URL and code, do not open the browser')
    .argument('[source]', 'the SSO source of crossbar.yaml to sign in to (default: the only or the default one)')
    .addHelpText(
      'after',
      "\nWithout --server, crossbar.yaml's SSO source signs in through IAM Identity Center (the device flow).\nExamples:\n  crossbar login acme-sso\n  crossbar login --server https://crossbar.example.com\n  crossbar login --server http://127.0.0.1:7300 --setup TOKEN --username alice",
    )
    .action((source: string | undefined, flags: LoginFlags, command: Command) =>
      runtime.run(command, (ctx) => runLogin(ctx, flags, command, source)),
    );
}
