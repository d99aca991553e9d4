import { describe, expect, it } from 'vitest';
import { parseHeadFile } from './trail-heads.js';
import { GENESIS_HASH, hashEntry, type TrailEntry } from './trail-chain.js';
import { trailRecord } from './trail-record.js';
import { verifyTrailExport } from './verify-export.js';

function chainOf(n: number, chain: string): TrailEntry[] {
  const entries: TrailEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      chain,
      seq,
      at: new Date(Date.UTC(2026, 0, 1, 0, seq)).toISOString(),
      actor: 'alice',
      action: 'member.added',
      workspace: chain === 'server' ? null : 'platform',
      target: `user${seq}`,
      outcome: 'ok',
      address: null,
      details: { type: 'head' },
      prevHash,
    };
    const entry = { ...content, hash: hashEntry(content) };
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

/** The lines of a jsonl export of these chains, as exportTrail writes them. */
function exportOf(chains: TrailEntry[][], since: string | null = null): string[] {
  const header = JSON.stringify({
    type: 'export',
    crossbar_trail_export: 1,
    exported_at: '2026-01-02T00:00:00Z',
    since,
  });
  const entries = chains.flat().map((e) => JSON.stringify({ type: 'entry', ...trailRecord(e) }));
  const heads = chains.map((c) => {
    const last = c.at(-1) as TrailEntry;
    return JSON.stringify({ type: 'head', chain: last.chain, seq: last.seq, hash: last.hash });
  });
  return [header, ...entries, ...heads];
}

describe('verifyTrailExport', () => {
  it('verifies a whole export, and names the chain without its head line', async () => {
    const lines = exportOf([chainOf(3, 'server'), chainOf(4, 'ws1')]);
    expect(await verifyTrailExport(lines)).toMatchObject({ ok: true, checked: 7 });
    expect((await verifyTrailExport(lines.slice(0, -1))).first_broken).toMatchObject({
      chain: 'ws1',
      reason: 'chain head mismatch',
    });
  });

  it('needs a whole export to start at entry 1, and lets a windowed one start later', async () => {
    const ws1 = chainOf(5, 'ws1');
    const whole = exportOf([ws1.slice(2)]);
    expect((await verifyTrailExport(whole)).first_broken).toMatchObject({ seq: 1, reason: 'missing entry' });
    const windowed = exportOf([ws1.slice(2)], '2026-01-01T00:03:00.000Z');
    expect(await verifyTrailExport(windowed)).toMatchObject({ ok: true, checked: 3, chains: [{ from_seq: 3 }] });
  });

  it('refuses a file that is not an export, naming the line', async () => {
    await expect(verifyTrailExport(['{"type":"entry"}'], { source: 'x.jsonl' })).rejects.toThrow(
      'x.jsonl line 1: the export does not start with its header line',
    );
    const lines = exportOf([chainOf(2, 'ws1')]);
    lines.splice(2, 0, 'not json');
    await expect(verifyTrailExport(lines, { source: 'x.jsonl' })).rejects.toThrow('x.jsonl line 3: not JSON');
    await expect(verifyTrailExport([], { source: 'x.jsonl' })).rejects.toThrow('x.jsonl is empty');
  });
});

describe('parseHeadFile', () => {
  it('reads a head document and the head lines of an export (not an entry whose details say type head)', () => {
    const ws1 = chainOf(2, 'ws1');
    const last = ws1[1] as TrailEntry;
    const document = JSON.stringify({
      crossbar_trail_head: 1,
      exported_at: 'x',
      heads: [{ chain: 'ws1', seq: 2, hash: last.hash }],
    });
    expect(parseHeadFile(document, 'h.json')).toEqual(new Map([['ws1', { seq: 2, hash: last.hash }]]));
    expect(parseHeadFile(exportOf([ws1]).join('\n'), 'e.jsonl')).toEqual(
      new Map([['ws1', { seq: 2, hash: last.hash }]]),
    );
  });

  it('refuses what holds no head, as a usage error naming the file', () => {
    for (const text of [
      '',
      '{}',
      'garbage',
      JSON.stringify({ crossbar_trail_head: 1, heads: [{ chain: 'x', seq: 1, hash: 'nothex' }] }),
    ])
      expect(() => parseHeadFile(text, 'h.json')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
