import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CROSSBAR_HOME holds secrets: the key that decrypts the credential cache, the cache itself, live unlocks, the
 * inventory. Like ssh with a private key, crossbar does not accept them open to others silently: a path whose
 * group or others have any access is tightened (0700 for folders, 0600 for files) and reported, so that the
 * person learns it was exposed. What cannot be changed (another owner) is reported with the command to run.
 */
export interface LooseMode {
  path: string;
  kind: 'folder' | 'file';
  /** The permission bits found (e.g. 0o644). */
  mode: number;
  /** The permission bits it should have: 0o700 or 0o600. */
  wanted: number;
  /** crossbar changed it to `wanted`; false when it could not. */
  tightened: boolean;
  /** The key file: whoever read it could decrypt the cached credentials. */
  decryptsCache: boolean;
}

const SECRET_FILES = ['cache.key', 'unlocks.json', 'inventory.db', 'inventory.db-wal', 'inventory.db-shm'];

function modeOf(path: string): { mode: number; dir: boolean } | undefined {
  try {
    const st = statSync(path);
    return { mode: st.mode & 0o777, dir: st.isDirectory() };
  } catch {
    return undefined;
  }
}

/** Finds the secrets of `home` open to group or others, tightens them and says what it found. */
export function tightenSecretModes(home: string): LooseMode[] {
  const found: LooseMode[] = [];
  const paths = [home, join(home, 'cache'), ...SECRET_FILES.map((f) => join(home, f))];
  for (const path of paths) {
    const st = modeOf(path);
    if (!st || (st.mode & 0o077) === 0) continue;
    const wanted = st.dir ? 0o700 : 0o600;
    let tightened = true;
    try {
      chmodSync(path, wanted);
    } catch {
      tightened = false;
    }
    found.push({
      path,
      kind: st.dir ? 'folder' : 'file',
      mode: st.mode,
      wanted,
      tightened,
      decryptsCache: path === join(home, 'cache.key'),
    });
  }
  return found;
}
