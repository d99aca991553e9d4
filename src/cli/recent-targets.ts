import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './write-files.js';

/**
 * The targets a person used last (`exec`, `env`, `console`, `shell`), most recent first, so that the picker
 * offers them first. Kept in CROSSBAR_HOME/recent-targets.json; a missing or unreadable file is an empty list,
 * and failing to record is never worth failing the command for.
 */
const FILE = 'recent-targets.json';
const KEEP = 20;

export function loadRecentTargets(home: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(home, FILE), 'utf8'));
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function recordRecentTarget(home: string, target: string): void {
  try {
    const list = [target, ...loadRecentTargets(home).filter((t) => t !== target)].slice(0, KEEP);
    mkdirSync(home, { recursive: true, mode: 0o700 });
    writeFileAtomic(join(home, FILE), `${JSON.stringify(list)}\n`, 0o600);
  } catch {
    // A read-only or odd CROSSBAR_HOME costs the picker its order, not the command its run.
  }
}
