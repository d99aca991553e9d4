import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createFileAtomic, errnoOf, writeFileAtomic } from '../credentials/atomic-file.js';
import { CrossbarError } from '../errors.js';

export interface WriteConfigFileOptions {
  /** Replace an existing file (`--force`). */
  force?: boolean;
}

const NO_LINKS: ReadonlySet<string> = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP']);

/** What is at `path` now; a path that cannot exist yet (missing or blocked folder) counts as none. */
function kindOf(path: string): 'file' | 'folder' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch (err) {
    if (errnoOf(err) === 'ENOENT' || errnoOf(err) === 'ENOTDIR') return 'none';
    throw new CrossbarError('ERROR', `Cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'Check the permissions of its folder',
      cause: err,
    });
  }
}

function exists(path: string): CrossbarError {
  return new CrossbarError('USAGE', `${path} exists: pass --force to replace it`, {
    hint: 'Or write elsewhere with --config FILE',
  });
}

/**
 * Writes crossbar.yaml atomically (a temp file beside it, then a rename), creating its folder. Without
 * `force` an existing file is never replaced, not even by a writer racing us: the new file is linked into
 * place, which fails if the name is taken. The file is 0600, like ~/.aws/config: it names accounts, roles
 * and MFA devices.
 */
export function writeConfigFile(path: string, text: string, options: WriteConfigFileOptions = {}): void {
  const existing = kindOf(path);
  if (existing === 'folder')
    throw new CrossbarError('USAGE', `${path} is a folder, not a file`, {
      hint: 'Give the path of the crossbar.yaml file to write',
    });
  if (existing === 'file' && !options.force) throw exists(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    if (options.force) return writeFileAtomic(path, text);
    if (!createFileAtomic(path, text)) throw exists(path);
  } catch (err) {
    if (err instanceof CrossbarError) throw err;
    // Some file systems have no hard links; the existence check above is then the only guard.
    if (NO_LINKS.has(errnoOf(err) ?? '')) return writeFileAtomic(path, text);
    throw new CrossbarError('ERROR', `Cannot write ${path}: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'Check that the folder is writable, or pass another path',
      cause: err,
    });
  }
}
