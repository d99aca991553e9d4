import { main } from './main.js';

/**
 * Runs the CLI from the TypeScript sources (`node --import tsx src/cli/run.ts …`), for tests that need a real
 * process (a pipe on stdin, the AWS CLI calling credential_process) without building dist/ first.
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
process.exitCode = await main(process.argv.slice(2));
