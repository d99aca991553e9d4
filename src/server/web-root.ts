import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built web UI is: dist/web under the package's root (`npm run build` puts it there), found from this
 * file whether it runs from dist/ or from src/ (tests under tsx). Undefined when it was not built.
 */
export function findWebRoot(from: string = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (let i = 0; i < 6; i += 1) {
    if (existsSync(join(dir, 'package.json'))) {
      const root = join(dir, 'dist', 'web');
      return existsSync(join(root, 'index.html')) ? root : undefined;
    }
    dir = dirname(dir);
  }
  return undefined;
}
