import type { Command } from 'commander';
import { resolveCrossbarHome } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import { openTeamDb } from '../../core/team/index.js';
import {
  createApp,
  findWebRoot,
  issueSetupToken,
  listen,
  recoverRuns,
  runHubOf,
  workspaceChangesOf,
  type ServerDeps,
} from '../../server/index.js';
import { keyStoreFrom, sourceEnv } from '../config-context.js';
import { configFlag } from '../open-crossbar.js';
import { openServerCrossbar } from '../serve-crossbar.js';
import { readImport, runImport } from '../serve-import.js';
import type { CliContext } from '../context.js';
import { waitForAbort } from '../context.js';
import type { CliRuntime } from '../runtime.js';
import { EXIT_OK } from '../report-error.js';

interface ServeFlags {
  port: string;
  host: string;
  db?: string;
  publicUrl?: string;
  import?: string;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 0 || port > 65535)
    throw new CrossbarError('USAGE', `--port must be a port number from 0 to 65535 (got '${text}')`, {
      hint: 'crossbar serve --port 7300',
    });
  return port;
}

/**
 * `crossbar serve`: the team server. Opens (and migrates) the database, prints the one-time setup link while no
 * owner exists, listens until Ctrl-C or SIGTERM, then stops taking requests, lets those in flight finish, and
 * closes the database.
 */
export async function runServe(ctx: CliContext, flags: ServeFlags, config?: string): Promise<number> {
  const port = parsePort(flags.port);
  const home = resolveCrossbarHome(ctx.io.env, ctx.io.cwd);
  const signal = ctx.handleInterrupts();
  const toImport = flags.import === undefined ? undefined : readImport(ctx, flags.import);
  // With nothing else found, the file being imported is the server's registry too.
  const opened = await openServerCrossbar(ctx, config, toImport?.path);
  const store = await openTeamDb({ url: flags.db, home });
  let imported: string[] = [];
  try {
    if (toImport) imported = await runImport(store, opened?.crossbar.registry, toImport.config, Date.now);
  } catch (err) {
    await store.close();
    throw err;
  }
  const publicUrl = (
    flags.publicUrl ?? `http://${flags.host.includes(':') ? `[${flags.host}]` : flags.host}:${port}`
  ).replace(/\/$/, '');
  const deps: ServerDeps = {
    store,
    now: Date.now,
    home,
    publicUrl,
    log: (line: string) => ctx.err(`crossbar serve: ${line}`),
    crossbar: opened?.crossbar,
    // Vending: workspace connections of kind env/profile read the server's environment; the server key (it seals
    // the members' TOTP secrets) is CROSSBAR_HOME/server.key unless CROSSBAR_KEY_STORE says keyring or auto.
    env: sourceEnv(ctx.io.env),
    keyStore: keyStoreFrom(ctx.io.env['CROSSBAR_KEY_STORE']) ?? 'file',
    webRoot: findWebRoot(),
  };
  const app = createApp(deps);
  // Runs this server left running when it stopped are interrupted now, each with a line in its workspace's trail.
  const interrupted = await recoverRuns(deps).catch(async (err: unknown) => {
    await store.close();
    throw err;
  });
  let server;
  try {
    server = await listen(app, { port, host: flags.host });
  } catch (err) {
    await store.close();
    const code = (err as NodeJS.ErrnoException).code;
    throw new CrossbarError('USAGE', `cannot listen on ${flags.host}:${port}: ${code ?? String(err)}`, {
      hint:
        code === 'EADDRINUSE' ? 'another program uses that port: pick another with --port' : 'check --host and --port',
      cause: err,
    });
  }
  if (flags.publicUrl === undefined) deps.publicUrl = server.url;
  const { bold, cyan, dim } = ctx.colors;
  ctx.out(`${bold('crossbar serve')} listening on ${cyan(server.url)}`);
  ctx.out(
    `  database      ${store.location} (${store.kind}${store.migrated.length ? `, migrated: ${store.migrated.join(', ')}` : ''})`,
  );
  ctx.out(
    opened
      ? `  registry      ${opened.configPath} (${opened.crossbar.registry.accounts.length} accounts)`
      : `  registry      ${dim('none: no crossbar.yaml found, workspaces reach no account (pass --config FILE)')}`,
  );
  if (interrupted > 0) ctx.out(`  runs          ${interrupted} left running at the last stop, now marked interrupted`);
  if (toImport) {
    ctx.out(`  import        ${toImport.path}`);
    for (const line of imported) ctx.out(`                ${line}`);
  }
  const setupToken = await issueSetupToken(store);
  if (setupToken) {
    ctx.out();
    ctx.out(`  No owner yet. Create one (this token works once, and only until the next start):`);
    ctx.out(`    ${cyan(`${deps.publicUrl}/setup#${setupToken}`)}`);
    ctx.out(`    or: crossbar login --server ${deps.publicUrl} --setup ${setupToken}`);
  }
  ctx.out();
  ctx.out(dim('Press Ctrl-C to stop.'));
  await waitForAbort(signal);
  ctx.err(dim('crossbar serve: stopping (finishing requests in flight)…'));
  // Runs first: each ends interrupted with its unfinished targets recorded, and its event streams close; then the
  // open pages' change streams, which would otherwise hold the close for its whole grace period.
  await runHubOf(deps).stopAll();
  workspaceChangesOf(deps).endAll();
  await server.close();
  await store.close();
  return EXIT_OK;
}

export function defineServe(command: Command, runtime: CliRuntime): void {
  command
    .option('--port <port>', 'port to listen on (0 = a free one)', '7300')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--db <url>', 'postgres://… for PostgreSQL, or a SQLite file (default: CROSSBAR_HOME/team.db)')
    .option('--import <file>', "seed workspaces, members and shortcuts from a crossbar.yaml's workspaces: (idempotent)")
    .option('--public-url <url>', 'the URL people reach the server at, for links (default: http://HOST:PORT)')
    .action((flags: ServeFlags, cmd: Command) => runtime.run(cmd, (ctx) => runServe(ctx, flags, configFlag(cmd))));
}
