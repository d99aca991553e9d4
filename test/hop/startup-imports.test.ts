import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './world.js';

/**
 * `credential-process` answers a warm cache in main() before the command tree is built, but only if loading
 * main.ts itself stays cheap. This walks the static imports (not `import type`, not `await import()`) from
 * src/cli/main.ts and lists the packages they reach: yaml, zod or the AWS SDK there would cost the 150 ms budget.
 */
const ALLOWED_PACKAGES = new Set(['commander', 'picocolors']);

function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+'([^']+)';/gms))
    specifiers.push(m[1] ?? '');
  for (const m of text.matchAll(/^import\s+'([^']+)';/gm)) specifiers.push(m[1] ?? '');
  return specifiers;
}

function reachablePackages(entry: string): { packages: Map<string, string>; files: number } {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop() ?? '';
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) packages.set(spec, file.slice(REPO.length));
    }
  }
  return { packages, files: seen.size };
}

describe('the startup path of the CLI', () => {
  it('main.ts statically reaches no package but commander and picocolors', () => {
    const { packages, files } = reachablePackages(join(REPO, 'src/cli/main.ts'));
    expect(files).toBeGreaterThan(10);
    const heavy = [...packages]
      .filter(([name]) => !ALLOWED_PACKAGES.has(name))
      .map(([name, from]) => `${name} (imported by ${from})`);
    expect(heavy).toEqual([]);
  });

  it('the walk does see heavy packages where they are: the config loader the commands import lazily', () => {
    const { packages } = reachablePackages(join(REPO, 'src/cli/config-context.ts'));
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['yaml', 'zod', '@aws-sdk/client-sts']));
  });
});
