import { randomUUID } from 'node:crypto';

import { ValidationFailedException } from '../errors/app-exception';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

export function assertUuid(value: unknown, field: string): asserts value is string {
  if (!isUuid(value)) {
    throw new ValidationFailedException([{ field, code: 'isUuid', message: `${field} must be a UUID` }]);
  }
}

/**
 * A time-ordered UUIDv7 (RFC 9562), like platform.uuid_v7(): for rows whose ids the application
 * must know before a bulk insert returns. The random part comes from randomUUID (buffered entropy,
 * cheap at bulk-import rates); its variant bits are already RFC 9562's.
 */
export function uuidv7(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15, 18)}-${random.slice(19, 23)}-${random.slice(24)}`;
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 strictly greater than the one this process made before (RFC 9562 §6.2, method 1):
 * ids made in the same millisecond count up in the 12-bit `rand_a` field, and a counter that
 * runs out borrows the next millisecond. For rows read back in id order (the outbox), where
 * several are made in one millisecond.
 */
export function orderedUuidv7(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  const time = lastMs.toString(16).padStart(12, '0');
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${sequence.toString(16).padStart(3, '0')}-${random.slice(19, 23)}-${random.slice(24)}`;
}
