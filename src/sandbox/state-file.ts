import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { World } from './world/types.js';
import { ApiError } from './api-error.js';

/** Reads a world saved by `--state`; refuses files of another shape instead of misreading them. */
export function loadStateFile(path: string): World | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (cause) {
    throw new ApiError(
      'InvalidState',
      `The sandbox state file ${path} is not valid JSON; move it away or delete it to start fresh (${String(cause)})`,
    );
  }
  if (
    typeof data !== 'object' ||
    data === null ||
    !('version' in data) ||
    data.version !== 1 ||
    !('accounts' in data)
  ) {
    throw new ApiError(
      'InvalidState',
      `The sandbox state file ${path} is not a crossbar sandbox state (version 1); move it away or delete it to start fresh`,
    );
  }
  // The version check above is the schema gate for our own file format.
  return data as World;
}

/** Writes atomically (temp file + rename) and 0600, since the state holds the sandbox's secret keys. */
export function saveStateFile(path: string, world: World): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(world), { mode: 0o600 });
  renameSync(tmp, path);
}
