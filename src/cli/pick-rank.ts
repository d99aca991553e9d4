import type { Registry } from '../core/config/index.js';

/**
 * What the target picker offers and in which order: every account (its default role, then its other roles) and
 * every shortcut, found by name, id, alias, stage or shortcut name, typed loosely (`prd` finds production), the
 * most recently used first. Pure, so that the ranking is tested without a terminal.
 */
export interface PickEntry {
  /** What the pick resolves to, as a target text: `production`, `production:admin`, `/switch-to-prod`. */
  value: string;
  /** The words it is found by. */
  keys: string[];
  /** One line for the list (no colour: the picker paints it). */
  label: string;
  stage?: string | undefined;
  color?: string | undefined;
}

export function pickEntries(registry: Registry): PickEntry[] {
  const entries: PickEntry[] = [];
  for (const a of registry.accounts) {
    const where = [a.id, a.stage, a.alias ? `alias ${a.alias}` : undefined].filter(Boolean).join('  ');
    const common = [a.name, a.id, ...(a.alias ? [a.alias] : []), ...(a.stage ? [a.stage] : [])];
    entries.push({
      value: a.name,
      keys: [...common, a.defaultRole.key],
      label: `${a.name}  ${where}  ${a.defaultRole.key}`,
      stage: a.stage,
      color: a.color,
    });
    for (const r of a.roles.filter((x) => x !== a.defaultRole))
      entries.push({
        value: `${a.name}:${r.key}`,
        keys: [`${a.name}:${r.key}`, ...common, r.key],
        label: `${a.name}:${r.key}  ${where}${r.mfa === 'required' ? '  mfa' : ''}${r.confirm ? '  confirm' : ''}`,
        stage: a.stage,
        color: a.color,
      });
  }
  for (const s of registry.config.shortcuts) {
    const account = registry.accounts.find((a) => a.name === s.account || a.id === s.account || a.alias === s.account);
    entries.push({
      value: s.name,
      keys: [s.name, s.account, ...(account ? [account.id] : []), ...(account?.stage ? [account.stage] : [])],
      label: `${s.name}  → ${s.account}${s.role ? `:${s.role}` : ''}${s.region ? ` ${s.region}` : ''}`,
      stage: account?.stage,
      color: account?.color,
    });
  }
  return entries;
}

/**
 * How well `query` finds `key`: a prefix beats a substring beats letters in order (fzf's idea, kept small);
 * 0 is no match. Shorter keys win ties, so `dev` ranks development above devtools-sandbox.
 */
export function matchScore(query: string, key: string): number {
  const q = query.toLowerCase();
  const k = key.toLowerCase();
  if (q === '') return 1;
  if (k === q) return 1000;
  if (k.startsWith(q)) return 800 - k.length;
  const at = k.indexOf(q);
  if (at >= 0) return 600 - at - k.length / 10;
  let from = 0;
  let gaps = 0;
  for (const ch of q) {
    const next = k.indexOf(ch, from);
    if (next < 0) return 0;
    gaps += next - from;
    from = next + 1;
  }
  return Math.max(1, 300 - gaps * 10 - k.length / 10);
}

/** The entries `query` finds, best first; among equals (and with no query) the most recently used first. */
export function rankEntries(entries: readonly PickEntry[], query: string, recent: readonly string[] = []): PickEntry[] {
  const recency = (e: PickEntry) => {
    const i = recent.indexOf(e.value);
    return i < 0 ? Number.POSITIVE_INFINITY : i;
  };
  const words = query.trim().split(/\s+/).filter(Boolean);
  // Every word must find some key (`prod admin` narrows to production's admin role); the best key of each counts.
  const scoreOf = (entry: PickEntry): number => {
    let total = 0;
    for (const w of words) {
      const best = Math.max(...entry.keys.map((k) => matchScore(w, k)));
      if (best === 0) return 0;
      total += best;
    }
    return words.length === 0 ? 1 : total;
  };
  return entries
    .map((entry, order) => ({ entry, order, score: scoreOf(entry) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score || recency(a.entry) - recency(b.entry) || a.order - b.order)
    .map((x) => x.entry);
}
