/**
 * A separate process that appends to the trail of a team database: `node --import tsx trail-writer.ts URL NAME N`
 * appends N entries by NAME across the chains ws1, ws2 and server, as fast as it can, then exits 0. The trail tests
 * run several at once against one database: writers that share nothing but the database, as two servers would.
 */
import { appendTrail, openTeamDb } from '../../src/core/team/index.js';

const [url, name = 'writer', count = '10'] = process.argv.slice(2);
const store = await openTeamDb({ url, home: process.env['CROSSBAR_HOME'] ?? '/tmp' });
await Promise.all(
  Array.from({ length: Number(count) }, (_, i) =>
    appendTrail(store, ['ws1', 'ws2', 'server'][i % 3] ?? 'server', {
      actor: name,
      action: 'test.append',
      outcome: 'ok',
      details: { i },
    }),
  ),
);
await store.close();
