import { fileURLToPath } from 'node:url';

/**
 * The command line the generated `credential_process` profiles run in tests: crossbar from source through
 * tsx, with absolute paths, since the AWS CLI runs it from wherever it runs. The CLI entry is `src/cli/run.ts`.
 */
export function crossbarCommand(): string {
  const tsx = import.meta.resolve('tsx');
  const entry = fileURLToPath(new URL('../../src/cli/run.ts', import.meta.url));
  return `node --import ${tsx} ${entry}`;
}
