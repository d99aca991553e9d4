import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What the benchmarks share: the CLI run from source in a child process, a sandbox child, /proc readings. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = [process.execPath, '--import', 'tsx', join(REPO, 'src/cli/run.ts')];

/** Clock ticks per second of /proc/<pid>/stat's CPU times: 100 on every Linux we run on. */
const CLK_TCK = 100;

export interface ProcStats {
  peakRssMb: number | undefined;
  cpuSeconds: number | undefined;
}

/** VmHWM and CPU time of a live process, or undefined without /proc (not Linux). */
export function procStats(pid: number | undefined): ProcStats {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return { peakRssMb: undefined, cpuSeconds: undefined };
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    // Fields after the command name (which may hold spaces, so split after its closing parenthesis).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return { peakRssMb: hwm ? Number(hwm) / 1024 : undefined, cpuSeconds: ticks / CLK_TCK };
  } catch {
    return { peakRssMb: undefined, cpuSeconds: undefined };
  }
}

/** `crossbar sandbox start` of a generated organization in a child process, ready when it printed its JSON. */
export async function startSandboxChild(accounts: number, latencyMs: number, dir: string): Promise<ChildProcess> {
  const proc = spawn(
    CLI[0] ?? 'node',
    [
      ...CLI.slice(1),
      'sandbox',
      'start',
      '--port',
      '0',
      '--org',
      `generated:${accounts}`,
      '--latency',
      String(latencyMs),
      '--write-config',
      dir,
      '--json',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  );
  const rl = createInterface({ input: proc.stdout ?? process.stdin });
  await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return proc;
}
