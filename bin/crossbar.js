#!/usr/bin/env node
// The published entry point: the compiled CLI (built by `npm ci` through the prepare script).
// The SDK warns on every run that Node 20 support ends in 2027; that is noise for a user of a CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const argv = process.argv.slice(2);
// --version and a warm credential-process answer before main.js and what it loads (src/cli/fast-path.ts), from
// the bundle `npm run build` makes of them (scripts/bundle-fast-path.mjs): one module each instead of ~17. A dist/
// built by tsc alone has no bundle: the same modules, unbundled.
const { processIo, tryFastPath } = await import('../dist/fast/fast-path.js').catch((err) => {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  return import('../dist/cli/fast-path.js');
});
const fast = await tryFastPath(argv, processIo());
if (fast !== undefined) process.exitCode = fast;
else {
  const { main } = await import('../dist/cli/main.js');
  process.exitCode = await main(argv, processIo(), { fastPathTried: true });
}
