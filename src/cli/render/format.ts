/** Small value formatters shared by the tables of every command. */

/** `1h 0m`, `59m 59s`, `12s`; `expired` for a time in the past. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return 'expired';
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** `team=platform, cost-center=cc-100` */
export function formatTags(tags: Record<string, string>, skip: readonly string[] = []): string {
  return Object.entries(tags)
    .filter(([k]) => !skip.includes(k))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** How long ago, in its largest unit: `40s`, `3m`, `2h`, `5d` (a slice's age in `inventory status`). */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
