import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createAwsClient, type AwsClientOptions } from './create-aws-client.js';
import { createRateLimiter, type RateLimiter } from './retry-strategy.js';
import { resolveService, type ServiceSpec } from './services.js';
import type { AwsClient, Middleware } from './types.js';

/**
 * Clients reused per service, account (credentials) and region, as iam-collect's pool does, but with the
 * endpoint kept: a fan-out over 200 accounts × 4 regions makes 800 clients once rather than one per call, and
 * all of them share keep-alive agents, so calls to one regional endpoint reuse connections across accounts.
 */
export interface PooledClientRequest {
  service: string;
  /** Identifies the credentials: one account's role session. */
  accountKey: string;
  region: string;
  credentials: AwsClientOptions['credentials'];
}

export interface ClientPoolOptions {
  endpoint?: string | undefined;
  maxAttempts?: number;
  /** No new attempt of a call starts this long after its first. */
  retryBudgetMs?: number;
  requestTimeoutMs?: number;
  /** Sockets per agent; above the fan-out's concurrency so that no call waits for a socket. */
  maxSockets?: number;
  /** A middleware to add to each new client (the fan-out's per-API limiter), by the client's identity. */
  middleware?: (request: PooledClientRequest) => Middleware | undefined;
}

export class ClientPool {
  readonly #options: ClientPoolOptions;
  readonly #clients = new Map<string, Promise<AwsClient>>();
  /**
   * One adaptive rate limiter per service, account and region, the scope AWS throttles: every client of the scope
   * shares it, and it outlives the clients (which are released per target), so what one target learned about
   * the rate paces the next. A few hundred bytes each, so they are kept for the pool's life.
   */
  readonly #limiters = new Map<string, RateLimiter>();
  readonly #httpAgent: HttpAgent;
  readonly #httpsAgent: HttpsAgent;

  constructor(options: ClientPoolOptions = {}) {
    this.#options = options;
    const maxSockets = options.maxSockets ?? 256;
    this.#httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
    this.#httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
  }

  get size(): number {
    return this.#clients.size;
  }

  get(request: PooledClientRequest): Promise<AwsClient> {
    const service = resolveService(request.service);
    const key = [service.name, request.accountKey, request.region, this.#options.endpoint ?? ''].join('|');
    let client = this.#clients.get(key);
    if (!client) {
      client = this.#create(service, request).then((created) => {
        const middleware = this.#options.middleware?.(request);
        if (middleware) created.middlewareStack.add(middleware, { step: 'initialize', name: 'crossbarPoolMiddleware' });
        return created;
      });
      client.catch(() => this.#clients.delete(key));
      this.#clients.set(key, client);
    }
    return client;
  }

  /** The rate limiter of a throttling scope. */
  limiter(service: string, accountKey: string, region: string): RateLimiter {
    const key = [resolveService(service).name, accountKey, region].join('|');
    let limiter = this.#limiters.get(key);
    if (!limiter) this.#limiters.set(key, (limiter = createRateLimiter()));
    return limiter;
  }

  #create(service: ServiceSpec, request: PooledClientRequest): Promise<AwsClient> {
    return createAwsClient(service, {
      region: request.region,
      credentials: request.credentials,
      endpoint: this.#options.endpoint,
      rateLimiter: this.limiter(service.name, request.accountKey, request.region),
      ...(this.#options.retryBudgetMs !== undefined ? { retryBudgetMs: this.#options.retryBudgetMs } : {}),
      httpAgent: this.#httpAgent,
      httpsAgent: this.#httpsAgent,
      ...(this.#options.maxAttempts !== undefined ? { maxAttempts: this.#options.maxAttempts } : {}),
      ...(this.#options.requestTimeoutMs !== undefined ? { requestTimeoutMs: this.#options.requestTimeoutMs } : {}),
    });
  }

  /**
   * Forgets the clients of one account in one region once its target is done, so that a fan-out over thousands
   * of accounts holds only the clients of targets in flight. They are not destroyed: destroying a client would
   * close the keep-alive agents every client shares; dropped, they are garbage like any object.
   */
  release(accountKey: string, region: string): void {
    const infix = `|${accountKey}|${region}|`;
    for (const key of [...this.#clients.keys()]) if (key.includes(infix)) this.#clients.delete(key);
  }

  /** Closes every client and the shared sockets. Clients share agents, so this happens once, at the end. */
  async destroy(): Promise<void> {
    const clients = await Promise.allSettled(this.#clients.values());
    for (const c of clients) if (c.status === 'fulfilled') c.value.destroy();
    this.#clients.clear();
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
  }
}
