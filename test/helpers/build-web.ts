import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * vitest's global setup: the web UI's tests (and the server's static routes) serve dist/web, so it is built here
 * when src/web changed since the last build (`npm ci` builds it once through `prepare`; a developer's edit is
 * picked up on the next test run).
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export default async function setup(): Promise<void> {
  const built = join(REPO, 'dist/web/index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(REPO, 'src/web'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(REPO, 'src/web/vite.config.ts'), logLevel: 'warn' });
}
