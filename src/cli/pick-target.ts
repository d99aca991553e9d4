import type { Registry } from '../core/config/index.js';
import type { Crossbar } from '../core/crossbar.js';
import type { ResolvedTarget } from '../core/select/index.js';
import { CrossbarError } from '../core/errors.js';
import type { CliContext, Colors } from './context.js';
import { pickEntries, rankEntries, type PickEntry } from './pick-rank.js';
import { canPrompt } from './prompt.js';
import { loadRecentTargets, recordRecentTarget } from './recent-targets.js';
import { paintStage } from './render/stage.js';

/**
 * The target picker of `exec`, `env`, `console` and `shell` run without a target (as Granted's `assume` does):
 * type to filter accounts, roles and shortcuts, arrows to move, Enter to pick, Esc or Ctrl-C to leave. Drawn on
 * stderr, so `eval "$(crossbar env)"` still gets only the variables on stdout. Without a terminal there is
 * nobody to pick: a usage error.
 */
const VISIBLE = 10;

export interface KeyInput extends NodeJS.EventEmitter {
  isTTY?: boolean;
  isRaw?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}

interface Key {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  sequence?: string;
}

export interface PickerOptions {
  input: KeyInput;
  output: { write(text: string): unknown };
  colors: Colors;
  entries: readonly PickEntry[];
  recent: readonly string[];
  signal?: AbortSignal | undefined;
  title: string;
}

function render(o: PickerOptions, ranked: PickEntry[], query: string, cursor: number): string[] {
  const top = Math.max(0, Math.min(cursor - VISIBLE + 1, ranked.length - VISIBLE));
  const lines = ranked.slice(top, top + VISIBLE).map((e, i) => {
    const label = paintStage(o.colors, e.label, e.stage, e.color);
    return top + i === cursor ? `${o.colors.bold('›')} ${label}` : `  ${label}`;
  });
  if (ranked.length === 0) lines.push(o.colors.dim('  no account matches'));
  const count = o.colors.dim(`${ranked.length}/${o.entries.length}`);
  lines.push(`${o.title} ${count} ${o.colors.bold('>')} ${query}`);
  return lines;
}

/** Runs the picker on a raw-mode terminal; the target text picked, or undefined when the person left. */
export async function runPicker(o: PickerOptions): Promise<string | undefined> {
  const { emitKeypressEvents } = await import('node:readline');
  const { input, output } = o;
  emitKeypressEvents(input as NodeJS.ReadableStream);
  const wasRaw = input.isRaw === true;
  input.setRawMode?.(true);
  input.resume();
  let query = '';
  let cursor = 0;
  let drawn = 0;
  let ranked = rankEntries(o.entries, query, o.recent);
  const erase = () => (drawn > 0 ? `\r\x1b[${drawn}A\x1b[J` : '\r\x1b[J');
  const draw = () => {
    ranked = rankEntries(o.entries, query, o.recent);
    cursor = Math.max(0, Math.min(cursor, ranked.length - 1));
    const lines = render(o, ranked, query, cursor);
    output.write(`${erase()}${lines.join('\n')}`);
    drawn = lines.length - 1;
  };
  try {
    return await new Promise<string | undefined>((resolve) => {
      const finish = (value: string | undefined) => {
        input.off('keypress', onKey);
        o.signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => finish(undefined);
      const onKey = (str: string | undefined, key: Key = {}) => {
        if (key.ctrl && (key.name === 'c' || key.name === 'd')) return finish(undefined);
        if (key.name === 'escape') return finish(undefined);
        if (key.name === 'return' || key.name === 'enter') {
          const picked = ranked[cursor];
          if (picked) return finish(picked.value);
          return undefined;
        }
        if (key.name === 'up' || (key.ctrl && key.name === 'p')) cursor = Math.max(0, cursor - 1);
        else if (key.name === 'down' || key.name === 'tab' || (key.ctrl && key.name === 'n')) cursor += 1;
        else if (key.name === 'backspace') query = query.slice(0, -1);
        else if (key.ctrl && key.name === 'u') query = '';
        else if (str && !key.ctrl && !key.meta && str >= ' ' && str.length === 1) {
          query += str;
          cursor = 0;
        } else return undefined;
        draw();
        return undefined;
      };
      if (o.signal?.aborted) return finish(undefined);
      o.signal?.addEventListener('abort', onAbort, { once: true });
      input.on('keypress', onKey);
      draw();
    });
  } finally {
    output.write(erase());
    input.setRawMode?.(wasRaw);
    input.pause();
  }
}

/**
 * The target a command runs against when none was given: picked on the terminal, else a usage error naming
 * what to pass.
 */
export async function pickTarget(ctx: CliContext, registry: Registry, home: string, command: string): Promise<string> {
  if (!canPrompt(ctx.io))
    throw new CrossbarError('USAGE', `${command} needs a target: NAME[:ROLE], an id, a stage or a shortcut`, {
      hint: `e.g. crossbar ${command} ${registry.accounts[0]?.name ?? 'development'}; on a terminal, leave it out to pick one from a list`,
    });
  const entries = pickEntries(registry);
  if (entries.length === 0)
    throw new CrossbarError('CONFIG_INVALID', 'crossbar.yaml lists no account to pick from', {
      hint: 'Add accounts with `crossbar init`',
    });
  const picked = await runPicker({
    input: process.stdin,
    output: ctx.io.stderr,
    colors: ctx.colors,
    entries,
    recent: loadRecentTargets(home),
    signal: ctx.signal,
    title: `crossbar ${command}`,
  });
  if (picked === undefined) throw new CrossbarError('INTERRUPTED', 'no account picked: nothing was run');
  ctx.err(ctx.colors.dim(`→ ${picked}`));
  return picked;
}

/** How a target is written back for the recent list: the shortcut, the account, or account:role. */
export function targetText(target: ResolvedTarget): string {
  if (target.shortcut) return target.shortcut;
  const { account, role } = target;
  return role === account.defaultRole ? account.name : `${account.name}:${role.key}`;
}

/**
 * The target of `exec`, `env`, `console` and `shell`: as given (a name, id, alias, stage, prefix, shortcut or
 * the source account), else picked on the terminal; remembered as recently used.
 */
export async function commandTarget(
  ctx: CliContext,
  crossbar: Crossbar,
  given: string | undefined,
  command: string,
): Promise<ResolvedTarget> {
  const text = given ?? (await pickTarget(ctx, crossbar.registry, crossbar.home, command));
  const target = await crossbar.findTarget(text);
  recordRecentTarget(crossbar.home, targetText(target));
  return target;
}
