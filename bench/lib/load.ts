import { Agent, request } from 'node:http';

/** A prepared HTTP request, replayed as fast as the server answers it. */
export interface PreparedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the last one answered, over
 * keep-alive connections, for `seconds`. Status >= 400 counts as an error (a benchmark of failures is worthless).
 */
export async function runLoad(prepared: PreparedRequest, concurrency: number, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(prepared.url);
  const deadline = Date.now() + seconds * 1000;
  let requests = 0;
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          hostname: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method: prepared.method,
          headers: prepared.headers,
          agent,
        },
        (res) => {
          if ((res.statusCode ?? 500) >= 400) errors += 1;
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', () => {
        errors += 1;
        resolve();
      });
      req.end(prepared.body);
    });
  const start = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await one();
        requests += 1;
      }
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  agent.destroy();
  return { requests, errors, seconds: elapsed, rps: requests / elapsed };
}

export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** A numeric `--name N` flag of a benchmark's command line, or its default. */
export function numberFlag(name: string, dflt: number, argv: readonly string[] = process.argv.slice(2)): number {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
}
