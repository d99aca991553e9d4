import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CrossbarError } from '../../core/errors.js';
import { parseHeadFile } from '../../core/team/index.js';
import type { AnchorSet } from './trail-source.js';

function unreadable(path: string, cause: unknown): CrossbarError {
  const code = (cause as NodeJS.ErrnoException).code;
  return new CrossbarError(
    'USAGE',
    `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(cause))}`,
    {
      hint: 'check the path',
      cause,
    },
  );
}

/** A file's lines, read as they are needed (an export may be larger than memory should hold). */
export async function* fileLines(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(unreadable(path, err)));
  });
  await opened;
  yield* createInterface({ input: stream, crlfDelay: Infinity });
}

/** `--head FILE`: the heads exported earlier (a head document, or a jsonl export's head lines). */
export async function loadAnchors(path: string): Promise<AnchorSet> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw unreadable(path, cause);
  }
  return { heads: parseHeadFile(text, path), source: path };
}
