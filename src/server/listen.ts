import type { Server } from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AppEnv } from './app-env.js';

export interface Listening {
  url: string;
  port: number;
  /** Stops taking connections, lets in-flight requests finish (up to `graceMs`), then closes the rest. */
  close(graceMs?: number): Promise<void>;
}

/** Serves the app on host:port (127.0.0.1 unless told otherwise; port 0 = a free one). */
export function listen(app: Hono<AppEnv>, options: { port: number; host?: string }): Promise<Listening> {
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    const server: ServerType = serve({ fetch: app.fetch, port: options.port, hostname: host }, (info) => {
      const http = server as Server;
      http.off('error', onError);
      const display = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${display}:${info.port}`,
        port: info.port,
        close: (graceMs = 10_000) => closeGracefully(http, graceMs),
      });
    });
    (server as Server).on('error', onError);
  });
}

function closeGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    // Idle keep-alive connections would hold close() open: close them now, and each one as its last request ends.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}
