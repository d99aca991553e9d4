/**
 * Names for crossbar.yaml (`[a-z0-9][a-z0-9._-]*`) made from AWS account names, which may hold spaces,
 * capitals and punctuation ("AWS Master", "Acme / Payments"). Names are unique in a config: a clash gets the
 * account id appended, so every account stays selectable by name.
 */
export function toAccountName(raw: string, accountId: string): string {
  const slug = raw
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '');
  return slug === '' ? `account-${accountId}` : slug;
}

/** Makes names unique in order of appearance: the first keeps its name, later ones get `-<id>`, then a counter. */
export function uniqueNames<T extends { id: string; name: string }>(accounts: readonly T[]): T[] {
  const taken = new Set<string>();
  return accounts.map((a) => {
    let name = a.name;
    if (taken.has(name)) name = `${a.name}-${a.id}`;
    for (let n = 2; taken.has(name); n += 1) name = `${a.name}-${a.id}-${n}`;
    taken.add(name);
    return name === a.name ? a : { ...a, name };
  });
}
