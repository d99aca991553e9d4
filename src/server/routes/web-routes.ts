import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Same origin, no CDN: scripts and styles from the bundle only; no framing. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The web UI (src/web, built to dist/web) from the same origin as the API: a file of the bundle when the path names
 * one (hashed assets cached for a year), else index.html (the app routes in the browser). /api and the health
 * endpoints are never answered here. Registered last, after every API route.
 */
export function registerWebRoutes(app: Hono<AppEnv>): void {
  app.get('*', async (c, next) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path === '/api' || path === '/healthz' || path === '/readyz') return next();
    const root = c.get('deps').webRoot;
    if (!root) {
      c.header('Content-Security-Policy', CSP);
      return c.html(
        '<!doctype html><title>crossbar</title><p>The web UI is not built. Run <code>npm run build</code>, then start <code>crossbar serve</code> again.</p>',
        503,
      );
    }
    const file = await bundleFile(root, path);
    const target = file ?? join(root, 'index.html');
    const body = await readFile(target);
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    c.header('Content-Type', type);
    c.header('Content-Security-Policy', CSP);
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', file && path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return c.body(body);
  });
}

/** The bundle's file for a URL path, never outside the bundle; undefined for a route of the app. */
async function bundleFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return undefined;
  try {
    return (await stat(candidate)).isFile() ? candidate : undefined;
  } catch {
    return undefined;
  }
}
