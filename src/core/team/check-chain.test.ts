import { describe, expect, it } from 'vitest';
import { createChainCheck, type ChainHead } from './check-chain.js';
import { GENESIS_HASH, hashEntry, type TrailEntry } from './trail-chain.js';

/** A chain of `n` genuine entries, hashed as appendTrail hashes them. */
function chainOf(n: number, chain = 'ws1'): TrailEntry[] {
  const entries: TrailEntry[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const content = {
      chain,
      seq,
      at: new Date(Date.UTC(2026, 11, 5, 12, 0, seq)).toISOString(),
      actor: seq % 2 ? 'alice' : 'bob',
      action: 'member.added',
      workspace: 'platform',
      target: `user${seq}`,
      outcome: 'ok',
      address: '127.0.0.1',
      details: { role: 'viewer', n: seq },
      prevHash,
    };
    const entry = { ...content, hash: hashEntry(content) };
    entries.push(entry);
    prevHash = entry.hash;
  }
  return entries;
}

const headOf = (entries: TrailEntry[]): ChainHead => {
  const last = entries.at(-1);
  return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
};

function check(entries: TrailEntry[], head: ChainHead | undefined, anchor?: ChainHead) {
  const c = createChainCheck('ws1', { anchor });
  for (const e of entries) c.add(e);
  return c.finish(head);
}

describe('createChainCheck', () => {
  it('verifies a genuine chain against its head', () => {
    const entries = chainOf(10);
    expect(check(entries, headOf(entries))).toEqual({
      chain: 'ws1',
      ok: true,
      checked: 10,
      head: headOf(entries),
      from_seq: 1,
    });
  });

  it('names an entry whose details, actor or outcome were edited', () => {
    for (const edit of [
      (e: TrailEntry) => ({ ...e, details: { ...e.details, role: 'owner' } }),
      (e: TrailEntry) => ({ ...e, actor: 'mallory' }),
      (e: TrailEntry) => ({ ...e, outcome: 'denied' }),
    ]) {
      const entries = chainOf(6);
      const head = headOf(entries);
      entries[3] = edit(entries[3] as TrailEntry);
      expect(check(entries, head).first_broken).toMatchObject({ chain: 'ws1', seq: 4, reason: 'content changed' });
    }
  });

  it('names a deleted middle entry and a deleted last entry', () => {
    const middle = chainOf(6);
    const head = headOf(middle);
    middle.splice(2, 1);
    expect(check(middle, head)).toMatchObject({
      ok: false,
      checked: 2,
      first_broken: { seq: 3, reason: 'missing entry' },
    });
    const last = chainOf(6);
    expect(check(last.slice(0, 5), headOf(last)).first_broken).toMatchObject({ seq: 6, reason: 'missing entry' });
    const first = chainOf(3);
    expect(check(first.slice(1), headOf(first)).first_broken).toMatchObject({ seq: 1, reason: 'missing entry' });
  });

  it('names swapped entries as reordered', () => {
    const entries = chainOf(6);
    const head = headOf(entries);
    const [third, fourth] = [entries[2] as TrailEntry, entries[3] as TrailEntry];
    // the rows swap everything but their position
    entries[2] = { ...fourth, seq: 3 };
    entries[3] = { ...third, seq: 4 };
    expect(check(entries, head).first_broken).toMatchObject({ seq: 3, reason: 'reordered' });
    expect(check(entries, head).first_broken?.message).toContain('written as 4');
  });

  it('names a rewritten entry whose hash was recomputed by the broken link after it', () => {
    const entries = chainOf(5);
    const head = headOf(entries);
    const { hash: _old, ...content } = { ...(entries[1] as TrailEntry), actor: 'mallory' };
    entries[1] = { ...content, hash: hashEntry(content) };
    expect(check(entries, head).first_broken).toMatchObject({ seq: 3, reason: 'broken link' });
  });

  it('names an edited head, a missing head, and entries past the head', () => {
    const entries = chainOf(4);
    expect(check(entries, { seq: 4, hash: 'f'.repeat(64) }).first_broken).toMatchObject({
      seq: 4,
      reason: 'chain head mismatch',
    });
    expect(check(entries, undefined).first_broken).toMatchObject({ reason: 'chain head mismatch' });
    expect(check(entries, { seq: 3, hash: entries[2]?.hash ?? '' }).first_broken).toMatchObject({
      seq: 4,
      reason: 'chain head mismatch',
    });
  });

  it('catches a chain cut short with its head reset only against an exported head', () => {
    const entries = chainOf(8);
    const exported = headOf(entries);
    const cut = entries.slice(0, 5);
    expect(check(cut, headOf(cut)).ok).toBe(true);
    expect(check(cut, headOf(cut), exported).first_broken).toMatchObject({ seq: 6, reason: 'missing entry' });
    // and a chain that still holds the exported entry verifies against it
    expect(check(entries, headOf(entries), { seq: 5, hash: entries[4]?.hash ?? '' }).ok).toBe(true);
    expect(check(entries, headOf(entries), { seq: 5, hash: 'a'.repeat(64) }).first_broken).toMatchObject({
      seq: 5,
      reason: 'chain head mismatch',
    });
  });

  it('checks a window that starts later, trusting its first prev_hash', () => {
    const entries = chainOf(8);
    const c = createChainCheck('ws1', { startSeq: 4 });
    for (const e of entries.slice(3)) c.add(e);
    expect(c.finish(headOf(entries))).toMatchObject({ ok: true, checked: 5, from_seq: 4 });
    const whole = createChainCheck('ws1');
    for (const e of entries.slice(3)) whole.add(e);
    expect(whole.finish(headOf(entries)).first_broken).toMatchObject({ seq: 1, reason: 'missing entry' });
  });
});
