import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkStats {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
  firstError?: string;
}

/**
 * Closed-loop load from wrk (Debian's `wrk`, C, epoll): `clients` keep-alive connections on one thread, each sending
 * its next request when the last answered, every request carrying the next member's token in turn. A load generator
 * in C leaves the two cores to the server far more than one in Node does, so the latencies are the server's.
 * Status >= 400 and socket errors count as errors. Latencies in ms.
 */
export async function wrkLoad(
  url: string,
  tokens: readonly string[],
  method: string,
  path: string,
  body: unknown,
  seconds: number,
  clients: number,
): Promise<WrkStats> {
  const dir = mkdtempSync(join(tmpdir(), 'crossbar-wrk-'));
  try {
    const payload = body === undefined ? '' : JSON.stringify(body);
    const script = join(dir, 'load.lua');
    writeFileSync(
      script,
      `
local tokens = { ${tokens.map((t) => JSON.stringify(t)).join(', ')} }
local n = 0
local body = ${JSON.stringify(payload)}
request = function()
  n = n + 1
  local headers = { ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1], ["Content-Type"] = "application/json" }
  if body == "" then return wrk.format(${JSON.stringify(method)}, ${JSON.stringify(path)}, headers) end
  return wrk.format(${JSON.stringify(method)}, ${JSON.stringify(path)}, headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %.3f %.3f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`,
    );
    const { stdout } = await run(
      'wrk',
      ['-t1', `-c${clients}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, `${url}${path}`],
      { maxBuffer: 1 << 20 },
    );
    const line = /WRK (\d+) (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)/.exec(stdout);
    if (!line) throw new Error(`unexpected wrk output:\n${stdout}`);
    const [requests, durationUs, socketErrors, statusErrors, p50, p99] = line.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const stats: WrkStats = {
      requests,
      errors: socketErrors + statusErrors,
      rps: requests / (durationUs / 1e6),
      p50,
      p99,
    };
    if (statusErrors > 0) stats.firstError = `${statusErrors} answers with status >= 400`;
    return stats;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether wrk is on PATH. */
export async function hasWrk(): Promise<boolean> {
  try {
    await run('wrk', ['--version']);
    return true;
  } catch (err) {
    // wrk --version prints its usage and exits 1: it is there.
    return (err as { code?: unknown }).code === 1;
  }
}
