import { timingSafeEqual } from 'node:crypto';

/**
 * Compares secrets (signatures, tokens, hashes) in time independent of where they differ;
 * values of different lengths are unequal.
 */
export function constantTimeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const y = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return x.length === y.length && timingSafeEqual(x, y);
}
