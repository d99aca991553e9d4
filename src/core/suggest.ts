/**
 * "Did you mean", shared by every command that names things: config keys, accounts, shortcuts, services,
 * operations, tables. Names are compared the way they are typed, names are compared the way they are typed, case- and
 * dash-insensitive (`describe-instances`, `DescribeInstances` and `describeinstances` are one name).
 */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/**
 * Up to `limit` candidates closest to `word`: small edit distances first, then names that contain the word or
 * that the word contains (`instances` finds DescribeInstances), shortest first. Typos and fragments both help.
 */
export function nearestNames(word: string, candidates: readonly string[], limit = 3): string[] {
  const w = normalizeName(word);
  if (w === '') return [];
  const maxDistance = Math.max(2, Math.floor(w.length / 4));
  const scored: { name: string; score: number }[] = [];
  for (const name of candidates) {
    const n = normalizeName(name);
    const distance = editDistance(w, n);
    if (distance <= maxDistance) scored.push({ name, score: distance });
    else if (w.length >= 3 && (n.includes(w) || w.includes(n)))
      scored.push({ name, score: maxDistance + 1 + Math.abs(n.length - w.length) / 100 });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((s) => s.name);
}

/** `Did you mean DescribeInstances or DescribeInstanceStatus?` or undefined when nothing is close. */
export function didYouMean(names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const quoted = names.map((n) => `'${n}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return `Did you mean ${list}?`;
}

/** The one nearest known word within two edits (case-insensitive), for a config key or an account name. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
