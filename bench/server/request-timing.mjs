/**
 * Preloaded into `crossbar serve` by bench/server (node --import): the server's own time per request, from the
 * moment Node's HTTP parser hands the request over (diagnostics channel http.server.request.start) to the moment
 * the response is handed to the socket (http.server.response.finish). On SIGUSR2 it writes the percentiles of the
 * requests since the last signal to $BENCH_TIMING_FILE and starts over, so the bench reads one case at a time.
 * What the load generator sees beyond this is time outside the server's handling of the request: waiting to be
 * read, and the machine's two cores shared with the load generator.
 */
import dc from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const out = process.env.BENCH_TIMING_FILE;
const started = new WeakMap();
let latencies = [];

dc.subscribe('http.server.request.start', ({ request }) => started.set(request, performance.now()));
dc.subscribe('http.server.response.finish', ({ request }) => {
  const t = started.get(request);
  if (t !== undefined) latencies.push(performance.now() - t);
});

process.on('SIGUSR2', () => {
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  if (out) writeFileSync(out, JSON.stringify({ n: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) }));
  latencies = [];
});
