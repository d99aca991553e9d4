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
