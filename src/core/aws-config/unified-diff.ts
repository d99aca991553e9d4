import { splitLines } from './ini-lines.js';

/**
 * A unified diff (`diff -u` / git style) of two texts, for `--dry-run`. Lines are compared with their line
 * endings, so a CRLF turned LF shows. Common head and tail are trimmed first, then an LCS over the middle:
 * crossbar's changes sit in one block, so the middle stays small. Returns '' when nothing changes.
 */
type Op = { kind: ' ' | '-' | '+'; line: string; eolMissing: boolean };

const CONTEXT = 3;

export function unifiedDiff(oldText: string, newText: string, path: string): string {
  if (oldText === newText) return '';
  const a = splitLines(oldText).map((l) => ({ text: l.text, eol: l.eol }));
  const b = splitLines(newText).map((l) => ({ text: l.text, eol: l.eol }));
  const key = (l: { text: string; eol: string }) => l.text + l.eol;
  let head = 0;
  while (head < a.length && head < b.length && key(a[head]!) === key(b[head]!)) head += 1;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    key(a[a.length - 1 - tail]!) === key(b[b.length - 1 - tail]!)
  )
    tail += 1;
  const ops: Op[] = [];
  const op = (kind: Op['kind'], l: { text: string; eol: string }) =>
    ops.push({ kind, line: l.text, eolMissing: l.eol === '' });
  a.slice(0, head).forEach((l) => op(' ', l));
  lcsOps(a.slice(head, a.length - tail), b.slice(head, b.length - tail), key).forEach(([kind, l]) => op(kind, l));
  a.slice(a.length - tail).forEach((l) => op(' ', l));
  return [`--- ${path}`, `+++ ${path}`, ...hunks(ops)].join('\n') + '\n';
}

function lcsOps<T>(a: readonly T[], b: readonly T[], key: (x: T) => string): Array<[Op['kind'], T]> {
  const n = a.length;
  const m = b.length;
  // lengths[i][j] = LCS length of a[i..] and b[j..], in one flat array.
  const lengths = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => lengths[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lengths[i * (m + 1) + j] =
        key(a[i]!) === key(b[j]!) ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const out: Array<[Op['kind'], T]> = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && key(a[i]!) === key(b[j]!)) {
      out.push([' ', a[i++]!]);
      j += 1;
    } else if (j < m && (i === n || at(i, j + 1) >= at(i + 1, j))) {
      out.push(['+', b[j++]!]);
    } else {
      out.push(['-', a[i++]!]);
    }
  }
  // Show removals before additions within a run of changes, as diff does.
  return reorderRuns(out);
}

function reorderRuns<T>(ops: Array<[Op['kind'], T]>): Array<[Op['kind'], T]> {
  const out: Array<[Op['kind'], T]> = [];
  let run: Array<[Op['kind'], T]> = [];
  const flush = () => {
    out.push(...run.filter(([k]) => k === '-'), ...run.filter(([k]) => k === '+'));
    run = [];
  };
  for (const o of ops) {
    if (o[0] === ' ') {
      flush();
      out.push(o);
    } else {
      run.push(o);
    }
  }
  flush();
  return out;
}

function hunks(ops: readonly Op[]): string[] {
  const changed = ops.map((o, i) => (o.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - CONTEXT);
    let end = changed[k]!;
    // Extend the hunk while the next change is within two contexts of this one.
    while (k + 1 < changed.length && changed[k + 1]! - end <= 2 * CONTEXT) end = changed[++k]!;
    const stop = Math.min(ops.length, end + CONTEXT + 1);
    k += 1;
    const slice = ops.slice(start, stop);
    const oldStart = ops.slice(0, start).filter((o) => o.kind !== '+').length;
    const newStart = ops.slice(0, start).filter((o) => o.kind !== '-').length;
    const oldLen = slice.filter((o) => o.kind !== '+').length;
    const newLen = slice.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@`);
    for (const o of slice) {
      out.push(`${o.kind}${o.line}`);
      if (o.eolMissing) out.push('\\ No newline at end of file');
    }
  }
  return out;
}

/** diff's `start,length`, where an empty range names the line before it. */
function range(start: number, length: number): string {
  if (length === 0) return `${start},0`;
  return length === 1 ? `${start + 1}` : `${start + 1},${length}`;
}
