#!/usr/bin/env node
// The published entry point: the compiled CLI (built by `npm ci` through the prepare script).
// The SDK warns on every run that Node 20 support ends in 2027; that is noise for a user of a CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
