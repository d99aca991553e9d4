import { readFileSync } from 'node:fs';

/** Linux counts process start times in clock ticks since boot; USER_HZ is 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

let bootTimeMs: number | undefined;

/**
 * When a process started (epoch milliseconds, within about a second), where the OS says so cheaply: Linux's
 * /proc. Elsewhere undefined, and a lock's owner is then judged by its pid and age alone.
 */
export function processStartedAt(pid: number): number | undefined {
  try {
    bootTimeMs ??= readBootTimeMs();
    if (bootTimeMs === undefined) return undefined;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? bootTimeMs + (ticks / TICKS_PER_SECOND) * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function readBootTimeMs(): number | undefined {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('btime '));
  const seconds = Number(line?.slice(6));
  return line && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
