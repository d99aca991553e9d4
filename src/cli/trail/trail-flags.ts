import type { Command } from 'commander';
import { resolveCrossbarHome } from '../../core/config-location.js';
import { CrossbarError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { openDbTrailSource } from './db-trail-source.js';
import type { TrailScope, TrailSource } from './trail-source.js';

export interface TrailScopeFlags {
  workspace?: string;
  serverChain?: boolean;
  db?: string;
}

/** The flags every `crossbar trail` command shares: which chains, and where the trail is. */
export function addTrailScopeFlags(command: Command): Command {
  return command
    .option('--workspace <name>', "one workspace's chain (default: every chain you may read)")
    .option('--server-chain', "the server's own chain: sign-ins, tokens, users (server owners)")
    .option(
      '--db <url>',
      'read a team database directly, read-only (a team.db file or postgres://…): no server, every chain; for an auditor with a copy',
    );
}

export function trailScope(flags: TrailScopeFlags): TrailScope {
  if (flags.workspace !== undefined && flags.serverChain)
    throw new CrossbarError('USAGE', '--workspace and --server-chain pick different chains: give one', {
      hint: 'leave both out for every chain you may read',
    });
  return { workspace: flags.workspace, serverChain: flags.serverChain === true };
}

/** The trail's source: the database of --db, else the team server this CLI is signed in to. */
export async function openTrailSource(ctx: CliContext, flags: TrailScopeFlags): Promise<TrailSource> {
  if (flags.db !== undefined) return openDbTrailSource(flags.db, resolveCrossbarHome(ctx.io.env, ctx.io.cwd));
  const { openServerTrailSource } = await import('./server-trail-source.js');
  return openServerTrailSource(ctx);
}

/** Runs `body` with the source open, and closes it whatever happens. */
export async function withTrailSource<T>(
  ctx: CliContext,
  flags: TrailScopeFlags,
  body: (source: TrailSource) => Promise<T>,
): Promise<T> {
  const source = await openTrailSource(ctx, flags);
  try {
    return await body(source);
  } finally {
    await source.close();
  }
}
