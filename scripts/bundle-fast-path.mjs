#!/usr/bin/env node
// Bundles the fast paths that bin/crossbar.js tries before main.js (src/cli/fast-path.ts: `--version` and a warm
// `credential-process`) into dist/fast/, two files:
// - fast-path.js: the version and the argv check, node built-ins only;
// - credential-process-warm.js: the whole warm path in one module (the target index, the cache key, decryption,
//   the guardrails), imported by fast-path.js only for credential-process.
// The AWS CLI runs credential-process on every call: one file there instead of ~17 small modules saves a resolve,
// a realpath, a read and a compile each. Packages stay outside the bundle (the keyring is imported only for a
// keyring key store). main.js and everything else stay as tsc emits them; when the fast path declines, main.js
// loads its own (unbundled) copy of these modules, and nothing but plain values passes between the two.
// Run by `npm run build`, and so by `prepare` (which `npm ci` runs), after tsc.
// Usage: node scripts/bundle-fast-path.mjs [--outdir DIR]   (default: dist/fast)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const outdir = resolve(args.includes('--outdir') ? (args[args.indexOf('--outdir') + 1] ?? '') : join(root, 'dist/fast'));

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  outdir,
  entryNames: '[name]',
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '// Built by scripts/bundle-fast-path.mjs from src/cli/; do not edit.' },
};

// The warm path, whole: imported by fast-path.js as a file of its own, so that `--version` does not load it.
const WARM = 'credential-process-warm';
await build({ ...common, entryPoints: { [WARM]: join(root, `src/cli/commands/${WARM}.ts`) } });
await build({
  ...common,
  entryPoints: { 'fast-path': join(root, 'src/cli/fast-path.ts') },
  plugins: [
    {
      name: 'warm-path-apart',
      setup(b) {
        b.onResolve({ filter: new RegExp(`/${WARM}\\.js$`) }, () => ({ path: `./${WARM}.js`, external: true }));
      },
    },
  ],
});
