import { CrossbarError } from '../../core/errors.js';
import {
  decodeTrailCursor,
  encodeTrailCursor,
  exportTrail,
  headDocument,
  listTrail,
  loadTrailHeads,
  openTeamDbReadOnly,
  resolveTrailChain,
  SERVER_CHAIN,
  trailChains,
  trailRecord,
  verifyTrail,
  type TeamStore,
} from '../../core/team/index.js';
import type { TrailScope, TrailSource } from './trail-source.js';

/** The trail of a team database read directly (`--db URL|FILE`), read-only: every chain, no membership check. */
export async function openDbTrailSource(url: string, home: string): Promise<TrailSource> {
  const store = await openTeamDbReadOnly({ url, home });
  const chainsOf = async (scope: TrailScope): Promise<string[] | undefined> => {
    if (scope.serverChain) return [SERVER_CHAIN];
    if (scope.workspace !== undefined) return [await resolveTrailChain(store, scope.workspace)];
    return undefined;
  };
  const allChains = (s: TeamStore): Promise<string[]> => trailChains(s);
  return {
    where: `the database ${store.location}`,
    async list(scope, filters) {
      const before = filters.before === undefined ? undefined : decodeTrailCursor(filters.before);
      if (filters.before !== undefined && !before)
        throw new CrossbarError('USAGE', `--before ${filters.before} is not a cursor a trail list printed`, {
          hint: 'pass the cursor the previous `crossbar trail list` printed',
        });
      const page = await listTrail(store, {
        chains: (await chainsOf(scope)) ?? (await allChains(store)),
        since: filters.since,
        who: filters.who,
        action: filters.action,
        limit: filters.limit,
        before,
      });
      return { entries: page.entries.map(trailRecord), next: page.next ? encodeTrailCursor(page.next) : undefined };
    },
    async verify(scope, anchors) {
      return verifyTrail(store, {
        chains: await chainsOf(scope),
        anchors: anchors?.heads,
        anchorSource: anchors?.source,
      });
    },
    async head(scope) {
      return headDocument(await loadTrailHeads(store, await chainsOf(scope)), Date.now());
    },
    async export(scope, options, write) {
      await exportTrail(store, {
        chains: (await chainsOf(scope)) ?? (await allChains(store)),
        format: options.format,
        since: options.since,
        write,
      });
    },
    close: () => store.close(),
  };
}
