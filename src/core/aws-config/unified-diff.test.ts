import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './unified-diff.js';

describe('unifiedDiff', () => {
  it('is empty when nothing changes', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'f')).toBe('');
  });

  it('matches diff -u (checked against GNU diffutils) for nearby changes, with three lines of context', () => {
    const old = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'].join('\n') + '\n';
    const now = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10', '11'].join('\n') + '\n';
    // Same as `diff -u` (GNU diffutils) apart from the file header lines.
    expect(unifiedDiff(old, now, '~/.aws/config')).toBe(
      [
        '--- ~/.aws/config',
        '+++ ~/.aws/config',
        '@@ -2,9 +2,10 @@',
        ' 2',
        ' 3',
        ' 4',
        '-5',
        '+five',
        ' 6',
        ' 7',
        ' 8',
        ' 9',
        ' 10',
        '+11',
        '',
      ].join('\n'),
    );
  });

  it('merges changes closer than two contexts into one hunk', () => {
    const old = 'a\nb\nc\nd\ne\nf\ng\n';
    const out = unifiedDiff(old, old.replace('b', 'B').replace('f', 'F'), 'f');
    expect(out.match(/^@@/gm)).toHaveLength(1);
    expect(out).toContain('@@ -1,7 +1,7 @@');
  });

  it('splits changes further apart than two contexts into two hunks', () => {
    const old = Array.from({ length: 20 }, (_, i) => String(i + 1)).join('\n') + '\n';
    const out = unifiedDiff(old, old.replace('2\n', 'two\n').replace('18\n', 'eighteen\n'), 'f');
    expect(out.match(/^@@.*@@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  });

  it('shows an added block appended to a file without a final newline', () => {
    expect(unifiedDiff('[default]\nregion = x', '[default]\nregion = x\n\n# block\n', 'c')).toBe(
      [
        '--- c',
        '+++ c',
        '@@ -1,2 +1,4 @@',
        ' [default]',
        '-region = x',
        '\\ No newline at end of file',
        '+region = x',
        '+',
        '+# block',
        '',
      ].join('\n'),
    );
  });

  it('diffs a new file against an empty one', () => {
    expect(unifiedDiff('', 'a\n', 'c')).toBe('--- c\n+++ c\n@@ -0,0 +1 @@\n+a\n');
  });
});
