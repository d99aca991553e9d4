import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Whether the process that wrote a record (a lock file, an inventory run) is still there. A pid alone is not
 * enough: pids are reused, so on Linux a live pid whose process started after the record was written is some
 * other process.
 */

/** Linux counts process start times in clock ticks since boot; USER_HZ is 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;
/** /proc start times are counted from a boot time given in whole seconds. */
const START_TIME_SLACK_MS = 2_000;

let bootTimeMs: number | undefined;

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's
    return typeof err === 'object' && err !== null && 'code' in err && err.code === 'EPERM';
  }
}

/**
 * When a process started (epoch milliseconds, within about a second), where the OS says so cheaply: Linux's
 * /proc. Elsewhere undefined, and a record's writer is then judged by its pid alone.
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

export interface ProcessRecord {
  pid: number;
  host: string;
  /** Epoch milliseconds when the process wrote the record. */
  since: number;
}

/**
 * True when the writer of a record is known to be gone: on this host, its pid is dead or now belongs to a
 * process that started after the record. False when it is alive, undefined when it cannot be told (another host).
 */
export function isWriterGone(
  record: ProcessRecord,
  startOf: (pid: number) => number | undefined = processStartedAt,
): boolean | undefined {
  if (record.host !== hostname()) return undefined;
  if (record.pid === process.pid) return false;
  if (!isPidAlive(record.pid)) return true;
  const started = startOf(record.pid);
  return started !== undefined && started > record.since + START_TIME_SLACK_MS;
}

function readBootTimeMs(): number | undefined {
  const line = readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('btime '));
  const seconds = Number(line?.slice(6));
  return line && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}
