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
