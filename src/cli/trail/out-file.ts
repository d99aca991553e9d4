import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { CrossbarError } from '../../core/errors.js';

export interface OutFile {
  /** Writes a chunk, waiting when the disk is behind. */
  write(chunk: string): Promise<void>;
  /** Everything is written: the file appears under its name. */
  commit(): Promise<void>;
  /** Something failed: no file appears (an existing one is left as it was). */
  abort(): void;
}

/**
 * `--out FILE` for an export: written to a temporary file beside it (0600: the trail names people and addresses)
 * and renamed at the end, so that a failed or interrupted export never leaves a file that looks whole.
 */
export async function openOutFile(path: string): Promise<OutFile> {
  const tmp = `${path}.${process.pid}.tmp`;
  const stream = createWriteStream(tmp, { mode: 0o600, flags: 'wx' });
  try {
    await once(stream, 'open');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new CrossbarError('USAGE', `cannot write ${path}: ${code ?? String(cause)}`, {
      hint: 'pass --out a file in a folder you can write to',
      cause,
    });
  }
  let failure: unknown;
  stream.on('error', (err) => (failure = err));
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (!stream.write(chunk)) await once(stream, 'drain');
    },
    async commit() {
      stream.end();
      await once(stream, 'finish');
      if (failure) throw failure;
      renameSync(tmp, path);
    },
    abort() {
      stream.destroy();
      rmSync(tmp, { force: true });
    },
  };
}
