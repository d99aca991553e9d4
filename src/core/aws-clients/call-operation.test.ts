import { describe, expect, it } from 'vitest';
import { mergePages, withoutMetadata } from './call-operation.js';

describe('merging pages', () => {
  it('concatenates list members in page order and drops the tokens', () => {
    const merged = mergePages([
      { Roles: [{ RoleName: 'a' }, { RoleName: 'b' }], IsTruncated: true, Marker: 'm1' },
      { Roles: [{ RoleName: 'c' }], IsTruncated: false },
    ]);
    expect(merged).toEqual({ Roles: [{ RoleName: 'a' }, { RoleName: 'b' }, { RoleName: 'c' }] });
    expect(mergePages([{ Reservations: [1], NextToken: 't' }, { Reservations: [2, 3] }])).toEqual({
      Reservations: [1, 2, 3],
    });
  });

  it('keeps scalars from the last page and every list member of every page', () => {
    expect(
      mergePages([
        { Buckets: [1], Owner: { ID: 'x' }, Prefix: 'p' },
        { Buckets: [], CommonPrefixes: [9], Owner: { ID: 'x' }, Prefix: 'p' },
      ]),
    ).toEqual({ Buckets: [1], CommonPrefixes: [9], Owner: { ID: 'x' }, Prefix: 'p' });
    expect(mergePages([])).toEqual({});
  });

  it("leaves the SDK's $metadata out of the value", () => {
    expect(withoutMetadata({ $metadata: { requestId: 'r' }, Account: '1' })).toEqual({ Account: '1' });
    expect(withoutMetadata(undefined)).toEqual({});
  });
});
