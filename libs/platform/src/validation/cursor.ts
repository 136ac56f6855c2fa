import { isUuid } from '../database/uuid';
import { ValidationFailedException } from '../errors/app-exception';

/** An opaque page cursor: the sort key of the last row, base64url-encoded JSON. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * Decodes a cursor and checks its shape (`isKey`); anything else is a 400 on `cursor`, never an
 * error deeper down.
 */
export function decodeCursor<T extends unknown[]>(cursor: string, isKey: (key: unknown[]) => key is T): T {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && isKey(key)) return key;
  } catch {
    /* not JSON: refused below */
  }
  throw new ValidationFailedException([{ field: 'cursor', code: 'invalid', message: 'cursor is not valid' }]);
}

/** A cursor of rows sorted by a timestamp, then id: `[iso timestamp, uuid]`. */
export function decodeTimeIdCursor(cursor: string): { at: string; id: string } {
  const [at, id] = decodeCursor(
    cursor,
    (k): k is [string, string] =>
      k.length === 2 && typeof k[0] === 'string' && !Number.isNaN(Date.parse(k[0])) && isUuid(k[1]),
  );
  return { at, id };
}

/**
 * One keyset page from `limit + 1` rows read: the first `limit` mapped to `items`, and a cursor
 * (the last item's sort key) when the extra row shows there is more.
 */
export function keysetPage<R, T>(
  rows: R[],
  limit: number,
  toItem: (row: R) => T,
  keyOf: (row: R) => readonly (string | number)[],
): { items: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toItem),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
