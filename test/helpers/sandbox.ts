import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';

/** A sandbox for tests: a free loopback port, and strict output so that a handler's misspelled key fails the test. */
export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ port: 0, strictOutput: true, ...options });
}
