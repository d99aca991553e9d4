import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, type CommandEntry } from '../../src/cli/commands/index.js';
import { buildProgram } from '../../src/cli/main.js';
import type { CliRuntime } from '../../src/cli/runtime.js';
import { captureIo } from '../cli/run-cli.js';
import { REPO } from '../helpers/crossbar-bin.js';

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

function reachableFiles(entry: string): { packages: Map<string, string>; files: Set<string> } {
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
  return { packages, files: seen };
}

function reachablePackages(entry: string): { packages: Map<string, string>; files: number } {
  const { packages, files } = reachableFiles(entry);
  return { packages, files: files.size };
}

describe('the startup path of the CLI', () => {
  it('main.ts statically reaches no package but commander and picocolors', () => {
    const { packages, files } = reachablePackages(join(REPO, 'src/cli/main.ts'));
    expect(files).toBeGreaterThan(5);
    const heavy = [...packages]
      .filter(([name]) => !ALLOWED_PACKAGES.has(name))
      .map(([name, from]) => `${name} (imported by ${from})`);
    expect(heavy).toEqual([]);
  });

  it('the walk does see heavy packages where they are: the yaml loader, which a cached crossbar.yaml skips', () => {
    const { packages } = reachablePackages(join(REPO, 'src/core/config/load-config.ts'));
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['yaml', 'zod']));
  });

  it('opening the root (config-context.ts) statically reaches neither yaml, zod nor the AWS SDK', () => {
    const { packages } = reachablePackages(join(REPO, 'src/cli/config-context.ts'));
    const heavy = [...packages.keys()].filter((p) => p === 'yaml' || p === 'zod' || /^@(aws-sdk|smithy)\//.test(p));
    expect(heavy).toEqual([]);
  });

  it('no module of src/core or src/cli imports an AWS SDK package as ESM: they are CommonJS, loaded by require-sdk.ts', () => {
    const offenders: string[] = [];
    for (const room of ['src/core', 'src/cli']) {
      for (const f of readdirSync(join(REPO, room), { recursive: true, encoding: 'utf8' })) {
        if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
        const text = readFileSync(join(REPO, room, f), 'utf8');
        const specs = [
          ...staticImports(join(REPO, room, f)),
          ...[...text.matchAll(/(?<!typeof )import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? ''),
        ];
        for (const spec of specs) if (/^@(aws-sdk|smithy)\//.test(spec)) offenders.push(`${room}/${f}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
    // The twin: the walk does find such an import where one is (the test helpers import the SDK directly).
    expect(staticImports(join(REPO, 'test/helpers/sandbox-clients.ts')).some((s) => s.startsWith('@aws-sdk/'))).toBe(
      true,
    );
  });

  it('main.ts and the command table statically reach no command module, not even the warm credential-process path', () => {
    const { files } = reachableFiles(join(REPO, 'src/cli/main.ts'));
    const commandModules = [...files]
      .map((f) => relative(REPO, f))
      .filter((f) => f.startsWith('src/cli/commands/'))
      .sort();
    expect(commandModules).toEqual(['src/cli/commands/index.ts']);
  });

  // bin/crossbar.js runs these from the build's bundle (scripts/bundle-fast-path.mjs), made of these same sources;
  // startup-modules.test.ts runs the bundle and traces what it loads.
  it('the fast paths the entry points try before main.ts (--version, warm credential-process) reach no package at all', () => {
    for (const entry of ['src/cli/fast-path.ts', 'src/cli/commands/credential-process-warm.ts']) {
      const { packages, files } = reachablePackages(join(REPO, entry));
      expect(files).toBeGreaterThan(1);
      expect([...packages.keys()]).toEqual([]);
    }
    // The twin: main.ts does reach commander.
    expect([...reachablePackages(join(REPO, 'src/cli/main.ts')).packages.keys()]).toContain('commander');
  });

  it('the table-driven program loads only the module of the command being run', async () => {
    const runtime: CliRuntime = {
      run: () => Promise.resolve(),
      runCommand: () => Promise.resolve(0),
      argv: [],
      program: () => Promise.reject(new Error('unused')),
    };
    const loadsFor = async (argv: string[]): Promise<string[]> => {
      const loaded: string[] = [];
      const table = COMMANDS.map((entry): CommandEntry => {
        const { load } = entry;
        if (!load) return entry;
        return {
          ...entry,
          load: () => {
            loaded.push(entry.path.join(' '));
            return load();
          },
        };
      });
      await buildProgram(captureIo().io, runtime, argv, table);
      return loaded;
    };
    expect(await loadsFor(['inventory', 'sync', 'all', '--regions', 'us-east-1'])).toEqual(['inventory sync']);
    expect(await loadsFor(['-o', 'json', 'credential-process', 'production'])).toEqual(['credential-process']);
    expect(await loadsFor(['help', 'audit', 'trail'])).toEqual(['audit trail']);
    // A group runs its default subcommand: `crossbar accounts stage=prod` is `accounts list`.
    expect(await loadsFor(['accounts', 'stage=prod'])).toEqual(['accounts list']);
    // The denied twin: --help of the whole CLI and an unknown command load no command module at all.
    expect(await loadsFor(['--help'])).toEqual([]);
    expect(await loadsFor(['frobnicate'])).toEqual([]);
  });

  it('no module imports main.ts (statically, as a type or lazily) but the entry point: no circle through main', () => {
    const cli = join(REPO, 'src/cli');
    const importers = readdirSync(cli, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /(?:from\s+|import\()'(?:\.\.?\/)+main\.js'/.test(readFileSync(join(cli, f), 'utf8')))
      .sort();
    expect(importers).toEqual(['run.ts']);
  });
});
