import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { OpenedCrossbar } from './config-context.js';

/**
 * What hop commands call to get the composition root. The heavy module (yaml, zod, the AWS SDK) is imported
 * here, on first use, never when main.ts registers the commands.
 */
export interface HopFlags {
  mfaCode?: string;
}

export function configFlag(command: Command): string | undefined {
  const { config } = command.optsWithGlobals<{ config?: string }>();
  return config;
}

export async function openCrossbarFor(
  ctx: CliContext,
  command: Command,
  flags: HopFlags = {},
): Promise<OpenedCrossbar> {
  const { openCrossbar } = await import('./config-context.js');
  return openCrossbar(ctx, { config: configFlag(command), mfaCode: flags.mfaCode });
}
