import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROSSBAR, REPO, runProcess } from '../helpers/crossbar-bin.js';
import { startWorld, type CliEnv, type World } from '../helpers/world.js';

/**
 * What a real `crossbar` process loads, package by package: the process runs with a preload
 * (fixtures/trace-packages.mjs) that records every package asked for through require() (how the AWS SDK is loaded)
 * or an ESM import. The static walk (startup-imports.test.ts) cannot see a dynamic import made too early; this can.
 * Each case is measured against its twin, in which the package is loaded, so that the trace is known to see it.
 */
const TRACER = join(REPO, 'test/hop/fixtures/trace-packages.mjs');
const HEAVY = ['@aws-sdk/client-iam', '@aws-sdk/client-organizations', '@napi-rs/keyring', 'yaml', 'zod'];

let w: World;
let traces: string;
beforeAll(async () => {
  w = await startWorld();
  traces = mkdtempSync(join(tmpdir(), 'crossbar-trace-'));
});
afterAll(async () => {
  await w.stop();
  rmSync(traces, { recursive: true, force: true });
});

let n = 0;
const linesOf = (path: string): string[] => {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return []; // nothing loaded through the hooks at all
  }
};

/** A process of `entry` (crossbar from source by default) traced: the packages it loaded and its file modules. */
async function traced(
  argv: string[],
  env: CliEnv,
  entry: readonly string[] = CROSSBAR,
): Promise<{ packages: string[]; files: string[]; code: number | null; stdout: string }> {
  n += 1;
  const out = join(traces, `trace-${n}.txt`);
  const files = join(traces, `files-${n}.txt`);
  const [node = 'node', ...rest] = entry;
  const r = await runProcess([node, '--import', TRACER, ...rest, ...argv], {
    ...env,
    CROSSBAR_TRACE_PACKAGES: out,
    CROSSBAR_TRACE_FILES: files,
  });
  return {
    packages: [...new Set(linesOf(out))].sort(),
    files: linesOf(files).map((url) => fileURLToPath(url)),
    code: r.code,
    stdout: r.stdout,
  };
}

async function packagesLoadedBy(argv: string[], env: CliEnv): Promise<{ packages: string[]; code: number | null }> {
  return traced(argv, env);
}

const heavyIn = (packages: readonly string[]) => packages.filter((p) => HEAVY.includes(p) || p.startsWith('@aws-sdk/'));

describe('what a crossbar process loads', () => {
  it('--version loads no package at all (the fast path answers before main.ts); --help loads commander', async () => {
    // tsx and esbuild run the TypeScript sources here; bin/crossbar.js runs dist/ without them.
    const ownPackages = (packages: string[]) => packages.filter((p) => p !== 'tsx' && p !== 'esbuild');
    const version = await packagesLoadedBy(['--version'], w.env());
    expect(version.code).toBe(0);
    expect(ownPackages(version.packages)).toEqual([]);
    const help = await packagesLoadedBy(['--help'], w.env());
    expect(help.code).toBe(0);
    expect(ownPackages(help.packages)).toEqual(expect.arrayContaining(['commander', 'picocolors']));
    expect(heavyIn(help.packages)).toEqual([]);
  });

  it('a warm credential-process with the key in a file loads no AWS SDK, keyring, yaml or zod; a keyring key store loads the keyring', async () => {
    const env = w.env();
    const cold = await packagesLoadedBy(['credential-process', 'production'], env);
    expect(cold.code).toBe(0);
    expect(cold.packages).toEqual(expect.arrayContaining(['@aws-sdk/client-sts', 'yaml', 'zod']));
    const warm = await packagesLoadedBy(['credential-process', 'production'], env);
    expect(warm.code).toBe(0);
    expect(heavyIn(warm.packages)).toEqual([]);
    // The twin: a key store that is the keyring does load it (and may fail without a keyring daemon: no matter).
    const keyring = await packagesLoadedBy(
      ['credential-process', 'production'],
      w.env({ CROSSBAR_KEY_STORE: 'keyring' }),
    );
    expect(keyring.packages).toContain('@napi-rs/keyring');
  });

  it("bin/crossbar.js answers --version and a warm credential-process from the build's bundle: one module past the bin for --version, two for credential-process, and no package", async () => {
    // What `npm run build` makes (scripts/bundle-fast-path.mjs), beside a copy of the bin and package.json (which
    // makes the bin ESM and gives --version), as an installed package has them.
    const pkg = join(traces, 'bundled');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    const bundled = await runProcess(
      [process.execPath, join(REPO, 'scripts/bundle-fast-path.mjs'), '--outdir', join(pkg, 'dist/fast')],
      { PATH: process.env['PATH'] },
    );
    expect(bundled.stderr).toBe('');
    expect(readdirSync(join(pkg, 'dist/fast')).sort()).toEqual(['credential-process-warm.js', 'fast-path.js']);
    copyFileSync(join(REPO, 'bin/crossbar.js'), join(pkg, 'bin/crossbar.js'));
    copyFileSync(join(REPO, 'package.json'), join(pkg, 'package.json'));
    const bin = ['node', join(pkg, 'bin/crossbar.js')];
    const own = (files: string[]) => files.filter((f) => f.startsWith(pkg)).map((f) => relative(pkg, f));

    const version = await traced(['--version'], w.env(), bin);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(own(version.files)).toEqual(['bin/crossbar.js', 'dist/fast/fast-path.js']);
    expect(version.packages).toEqual([]);

    // A warm cache (filled by a full run from source, whose index the bundle reads alike) answers from the bundle.
    const env = w.env();
    const cold = await traced(['credential-process', 'production'], env);
    expect(cold.code).toBe(0);
    const warm = await traced(['credential-process', 'production'], env, bin);
    expect(warm.code).toBe(0);
    expect(JSON.parse(warm.stdout)).toEqual(JSON.parse(cold.stdout));
    expect(own(warm.files)).toEqual([
      'bin/crossbar.js',
      'dist/fast/fast-path.js',
      'dist/fast/credential-process-warm.js',
    ]);
    expect(warm.packages).toEqual([]);
    // The twin: the same warm answer from the sources, unbundled, loads a module per file (the trace sees them).
    const unbundled = await traced(['credential-process', 'production'], env);
    expect(unbundled.code).toBe(0);
    expect(unbundled.files.filter((f) => f.startsWith(join(REPO, 'src/'))).length).toBeGreaterThan(10);
  });

  it('run -- ec2 loads the EC2 and STS clients and neither IAM nor Organizations, nor the keyring; yaml and zod only while crossbar.yaml is not cached', async () => {
    const env = w.env();
    const argv = ['run', 'production', '--regions', 'us-east-1', '-o', 'json', '--', 'ec2', 'DescribeInstances'];
    const first = await packagesLoadedBy(argv, env);
    expect(first.code).toBe(0);
    expect(first.packages).toEqual(
      expect.arrayContaining(['@aws-sdk/client-ec2', '@aws-sdk/client-sts', 'yaml', 'zod']),
    );
    const second = await packagesLoadedBy(argv, env);
    expect(second.code).toBe(0);
    expect(second.packages).toEqual(expect.arrayContaining(['@aws-sdk/client-ec2', '@aws-sdk/client-sts']));
    expect(second.packages.filter((p) => HEAVY.includes(p))).toEqual([]);
    // The twin: without its registry entry, crossbar.yaml is parsed again with yaml and zod.
    const cache = join(env['CROSSBAR_HOME'] ?? '', 'cache');
    for (const f of readdirSync(cache)) if (f.startsWith('registry-')) rmSync(join(cache, f));
    const parsed = await packagesLoadedBy(argv, env);
    expect(parsed.packages).toEqual(expect.arrayContaining(['yaml', 'zod']));
  });
});
