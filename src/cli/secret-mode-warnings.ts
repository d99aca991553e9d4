import { dirname, join } from 'node:path';
import { tightenSecretModes, type LooseMode } from '../core/secret-modes.js';
import type { CliContext } from './context.js';

/** Each warning once per process, however many times a command opens the state. */
const said = new Set<string>();

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

function warningFor(home: string, loose: LooseMode): string {
  const what = loose.path === home ? `CROSSBAR_HOME ${loose.path}` : loose.path;
  const fix = `chmod ${loose.wanted.toString(8)} ${loose.path}`;
  const exposed = loose.decryptsCache
    ? `; whoever read it can decrypt the cached credentials: delete ${join(dirname(loose.path), 'cache')} to drop them`
    : '';
  return loose.tightened
    ? `warning: ${what} was open to group/others (${octal(loose.mode)}): crossbar made it ${octal(loose.wanted)} (${fix})${exposed}`
    : `warning: ${what} is open to group/others (${octal(loose.mode)}) and crossbar could not change it: run ${fix}${exposed}`;
}

/** Like ssh with a private key: CROSSBAR_HOME and its secrets open to others are tightened and reported. */
export function warnLooseModes(ctx: CliContext, home: string): void {
  for (const loose of tightenSecretModes(home)) {
    const text = warningFor(home, loose);
    if (said.has(text)) continue;
    said.add(text);
    ctx.err(ctx.colors.yellow(text));
  }
}

/** Said once, when the key file is created because the keyring was wanted and did not answer. */
export function keyringNotice(ctx: CliContext): (keyFile: string) => void {
  return (keyFile) => {
    const text = `the OS keyring is not available: the credential cache key is kept in ${keyFile} (0600) instead (CROSSBAR_KEY_STORE=file chooses this without the notice)`;
    if (said.has(text)) return;
    said.add(text);
    ctx.err(ctx.colors.dim(text));
  };
}
