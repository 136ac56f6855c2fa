import { type MinimalJob } from 'bullmq';

import { retryAfterBackoff } from './worker-host.service';

const job = { opts: { backoff: { type: 'retry-after', delay: 2000 } } } as unknown as MinimalJob;

describe('retryAfterBackoff', () => {
  it("waits what the error asks for (a provider's Retry-After), capped at an hour", () => {
    const err = Object.assign(new Error('429'), { retryAfterSeconds: 7 });

    expect(retryAfterBackoff(1, 'retry-after', err, job)).toBe(7000);
    expect(
      retryAfterBackoff(1, 'retry-after', Object.assign(new Error(), { retryAfterSeconds: 99999 }), job),
    ).toBe(3_600_000);
  });

  it('backs off exponentially from the base delay otherwise', () => {
    expect([1, 2, 3, 4].map((n) => retryAfterBackoff(n, 'retry-after', new Error('500'), job))).toEqual([
      2000, 4000, 8000, 16000,
    ]);
  });
});
