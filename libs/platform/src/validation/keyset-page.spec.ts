import { decodeCursor, keysetPage } from './cursor';

describe('keysetPage', () => {
  const rows = [1, 2, 3].map((n) => ({ id: `id${n}`, n }));

  it('returns the first `limit` items and the last one’s key as the cursor when there is more', () => {
    const page = keysetPage(
      rows,
      2,
      (r) => r.n,
      (r) => [r.n, r.id],
    );

    expect(page.items).toEqual([1, 2]);
    expect(decodeCursor(page.nextCursor!, (k): k is [number, string] => k.length === 2)).toEqual([2, 'id2']);
  });

  it('has no cursor on the last page', () => {
    expect(
      keysetPage(
        rows,
        3,
        (r) => r.n,
        (r) => [r.id],
      ),
    ).toEqual({ items: [1, 2, 3], nextCursor: null });
    expect(
      keysetPage(
        [],
        3,
        (r) => r,
        () => [],
      ),
    ).toEqual({ items: [], nextCursor: null });
  });
});
