import { hostname } from 'node:os';
import { CrossbarError } from '../../core/errors.js';

/**
 * The runs this server process is running, and the event streams waiting on them. Results are stored first and
 * announced after (`notify`), so a stream never needs the announcement's content: it wakes up and reads what is
 * new. A stream on another server process of the same database (PostgreSQL) hears nothing and polls instead.
 */
export interface RunHubOptions {
  /** Which server process runs a run: stable across restarts, so that the next start knows what it left. */
  runner?: string | undefined;
  /** Runs at once on this process; one more is a 429 (default 8). */
  maxRunning?: number | undefined;
}

interface Running {
  controller: AbortController;
  done: Promise<void>;
}

export class RunHub {
  readonly runner: string;
  readonly maxRunning: number;
  readonly #versions = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #running = new Map<string, Running>();
  #stopping = false;

  constructor(options: RunHubOptions = {}) {
    this.runner = options.runner ?? `${hostname()}:${process.pid}`;
    this.maxRunning = options.maxRunning ?? 8;
  }

  /** How many times the run announced news; a stream reads, then waits for a version past the one it read at. */
  version(runId: string): number {
    return this.#versions.get(runId) ?? 0;
  }

  notify(runId: string): void {
    this.#versions.set(runId, this.version(runId) + 1);
    const waiters = this.#waiters.get(runId);
    if (!waiters) return;
    this.#waiters.delete(runId);
    for (const wake of waiters) wake();
  }

  /** Resolves when the run has news past `since`, after `timeoutMs`, or when `signal` aborts; never rejects. */
  wait(runId: string, since: number, timeoutMs: number, signal?: AbortSignal): Promise<'news' | 'timeout'> {
    if (this.version(runId) > since || signal?.aborted) return Promise.resolve('news');
    return new Promise((resolve) => {
      let waiters = this.#waiters.get(runId);
      if (!waiters) this.#waiters.set(runId, (waiters = new Set()));
      const finish = (why: 'news' | 'timeout'): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        waiters.delete(wake);
        if (waiters.size === 0 && this.#waiters.get(runId) === waiters) this.#waiters.delete(runId);
        resolve(why);
      };
      const wake = (): void => finish('news');
      const onAbort = (): void => finish('news');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      timer.unref();
      waiters.add(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  isRunning(runId: string): boolean {
    return this.#running.has(runId);
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /** Refuses one more run when this process already runs its limit, or is stopping. */
  checkCapacity(): void {
    if (this.#stopping)
      throw new CrossbarError('THROTTLED', 'the server is stopping: it starts no more runs', {
        hint: 'start the run again once the server is back',
      });
    if (this.#running.size >= this.maxRunning)
      throw new CrossbarError('THROTTLED', `the server already runs ${this.#running.size} runs, its limit`, {
        hint: 'wait for one to finish (GET …/runs lists them), then start this one again',
      });
  }

  /** Runs `work` in the background, with a signal that `stopAll` aborts; the run's news is forgotten at its end. */
  start(runId: string, work: (signal: AbortSignal) => Promise<void>): void {
    const controller = new AbortController();
    const done = Promise.resolve()
      .then(() => work(controller.signal))
      .catch(() => undefined)
      .finally(() => {
        this.#running.delete(runId);
        this.notify(runId);
        this.#versions.delete(runId);
      });
    this.#running.set(runId, { controller, done });
  }

  /** The server is stopping: every run is interrupted (its unfinished targets recorded so) and awaited. */
  async stopAll(): Promise<void> {
    this.#stopping = true;
    const running = [...this.#running.values()];
    for (const r of running) r.controller.abort();
    await Promise.all(running.map((r) => r.done));
  }

  /** Resolves when every run running now has ended (tests; a graceful stop uses `stopAll`). */
  async idle(): Promise<void> {
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }
}
