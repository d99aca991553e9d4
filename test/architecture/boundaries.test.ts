import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The rooms of src/ and what each may import (ARCHITECTURE.md). Every static import, `export … from`, and dynamic
 * `import()` of every source file is checked, tests beside the code included:
 * - core imports neither cli, sandbox, server nor web: it is the library, the others are built on it;
 * - sandbox imports from core only its pure helpers (ARN parsing, policy evaluation, the error type), so that
 *   the simulated AWS never depends on the code it is there to test;
 * - cli and server import core only through its entry points: `core/index.ts`, the `index.ts` of an area
 *   (`core/fanout/index.ts`), or a top-level module of core (`core/errors.ts`); never a file inside an area.
 *   Per-area entry points, not one, because the CLI loads only the area a command uses (start-up time).
 */
const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const ROOMS = ['core', 'cli', 'sandbox', 'server', 'web'] as const;
type Room = (typeof ROOMS)[number];

/** What sandbox may import from core: pure helpers with no I/O and no AWS SDK. */
export const SANDBOX_MAY_IMPORT_FROM_CORE = ['core/arn.ts', 'core/errors.ts', 'core/policy/index.ts'];

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'models' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function roomOf(srcRelative: string): Room | undefined {
  const first = srcRelative.split('/')[0];
  return (ROOMS as readonly string[]).includes(first ?? '') ? (first as Room) : undefined;
}

/** `../core/fanout/types.js` from src/cli/x.ts → `core/fanout/types.ts`; undefined for packages and node:. */
function resolveSpecifier(fromFile: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(fromFile), specifier).replace(/\.js$/, '.ts');
  return relative(SRC, target).split(sep).join('/');
}

/** The rule an import breaks, or undefined. `from` and `to` are paths relative to src/. */
export function brokenRule(from: string, to: string): string | undefined {
  const fromRoom = roomOf(from);
  const toRoom = roomOf(to);
  if (!fromRoom || !toRoom || fromRoom === toRoom) return undefined;
  if (fromRoom === 'core') return 'core imports neither cli, sandbox, server nor web';
  if (fromRoom === 'sandbox') {
    if (toRoom === 'core' && SANDBOX_MAY_IMPORT_FROM_CORE.includes(to)) return undefined;
    return `sandbox imports from core only ${SANDBOX_MAY_IMPORT_FROM_CORE.join(', ')}`;
  }
  if ((fromRoom === 'cli' || fromRoom === 'server') && toRoom === 'core') {
    const parts = to.split('/');
    const topLevel = parts.length === 2;
    const areaIndex = parts.length >= 3 && parts.at(-1) === 'index.ts';
    return topLevel || areaIndex
      ? undefined
      : `${fromRoom} imports core only through an index.ts or a top-level module`;
  }
  if (fromRoom === 'web' && toRoom !== 'web') return 'web talks to the server over HTTP only';
  return undefined;
}

export function findViolations(files: readonly string[] = sourceFiles(SRC)): Violation[] {
  return files.flatMap((file) => {
    const from = relative(SRC, file).split(sep).join('/');
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles.flatMap(({ fileName }) => {
      const to = resolveSpecifier(file, fileName);
      const rule = to === undefined ? undefined : brokenRule(from, to);
      return rule && to ? [{ file: `src/${from}`, imports: `src/${to}`, rule }] : [];
    });
  });
}

describe('import boundaries', () => {
  it('every import in src/ keeps to the rooms', () => {
    const violations = findViolations().map((v) => `${v.file}: imports ${v.imports} (${v.rule})`);
    expect(violations).toEqual([]);
  });

  it('sees imports of every kind: static, type-only, export-from and dynamic', () => {
    expect(brokenRule('core/x.ts', 'cli/main.ts')).toBe('core imports neither cli, sandbox, server nor web');
    expect(brokenRule('core/x.ts', 'sandbox/server.ts')).toBeDefined();
    expect(brokenRule('sandbox/services/sts.ts', 'core/arn.ts')).toBeUndefined();
    expect(brokenRule('sandbox/services/sts.ts', 'core/crossbar.ts')).toBeDefined();
    expect(brokenRule('cli/commands/run.ts', 'core/fanout/index.ts')).toBeUndefined();
    expect(brokenRule('cli/commands/run.ts', 'core/errors.ts')).toBeUndefined();
    expect(brokenRule('cli/commands/run.ts', 'core/fanout/fanout-engine.ts')).toBeDefined();
    const info = ts.preProcessFile(
      "import a from './a.js';\nimport type { B } from './b.js';\nexport { c } from './c.js';\nconst d = await import('./d.js');",
      true,
      true,
    );
    expect(info.importedFiles.map((f) => f.fileName)).toEqual(['./a.js', './b.js', './c.js', './d.js']);
  });
});
