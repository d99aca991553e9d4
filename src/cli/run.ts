import { processIo, tryFastPath } from './fast-path.js';

/**
 * Runs the CLI from the TypeScript sources (`node --import tsx src/cli/run.ts …`), for tests that need a real
 * process (a pipe on stdin, the AWS CLI calling credential_process) without building dist/ first. Like
 * bin/crossbar.js, it tries the fast paths before it loads main.ts.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const argv = process.argv.slice(2);
const fast = await tryFastPath(argv, processIo());
if (fast !== undefined) process.exitCode = fast;
else {
  const { main } = await import('./main.js');
  process.exitCode = await main(argv, processIo(), { fastPathTried: true });
}
