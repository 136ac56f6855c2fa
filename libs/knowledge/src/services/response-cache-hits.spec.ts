import { type TenantDb } from '@app/platform';

import { type CacheHits, type ResponseCacheRepository } from '../repositories/response-cache.repository';
import { CACHE_HITS_PENDING_MAX, ResponseCacheHits } from './response-cache-hits';

/** ResponseCacheHits: hits counted after commit, written together, kept while the database is down. */
describe(ResponseCacheHits.name, () => {
  const written: { propertyId: string; hits: CacheHits[] }[] = [];
  let down = false;
  let afterCommit: (() => Promise<void>)[] | null = null;
  const db = {
    run: (_: unknown, work: () => Promise<unknown>) => (down ? Promise.reject(new Error('db down')) : work()),
    afterCommit: (step: () => Promise<void>) => (afterCommit ? afterCommit.push(step) > 0 : false),
  } as unknown as TenantDb;
  const cache = {
    addHits: (propertyId: string, hits: CacheHits[]) => {
      written.push({ propertyId, hits: structuredClone(hits) });
      return Promise.resolve(hits.length);
    },
  } as unknown as ResponseCacheRepository;
  let hits: ResponseCacheHits;

  beforeEach(() => {
    written.length = 0;
    down = false;
    afterCommit = null;
    hits = new ResponseCacheHits(db, cache);
    jest.spyOn(hits['logger'], 'warn').mockImplementation(() => undefined);
  });

  it('adds the hits on one answer up, with the latest read, one write per property', async () => {
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:00.500000Z');
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:01.250000Z');
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:01.000000Z');
    hits.count('p1', 'b', 'v1', '2026-11-23T10:00:00.000000Z');
    hits.count('p2', 'c', 'v1', '2026-11-23T10:00:00.000000Z');

    await hits.write();
    await hits.write();

    expect(written).toEqual([
      {
        propertyId: 'p1',
        hits: [
          { id: 'a', version: 'v1', count: 3, seenAt: '2026-11-23T10:00:01.250000Z' },
          { id: 'b', version: 'v1', count: 1, seenAt: '2026-11-23T10:00:00.000000Z' },
        ],
      },
      {
        propertyId: 'p2',
        hits: [{ id: 'c', version: 'v1', count: 1, seenAt: '2026-11-23T10:00:00.000000Z' }],
      },
    ]);
  });

  it('counts a hit only once the transaction that read it has committed', async () => {
    afterCommit = [];
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:00.000000Z');
    await hits.write();
    expect(written).toEqual([]);

    for (const step of afterCommit) await step();
    await hits.write();
    expect(written).toEqual([
      {
        propertyId: 'p1',
        hits: [{ id: 'a', version: 'v1', count: 1, seenAt: '2026-11-23T10:00:00.000000Z' }],
      },
    ]);
  });

  it('keeps the hits while the database is down and writes them once it is back', async () => {
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:00.000000Z');
    down = true;
    await hits.write();
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:02.000000Z');
    down = false;

    await hits.write();

    expect(written).toEqual([
      {
        propertyId: 'p1',
        hits: [{ id: 'a', version: 'v1', count: 2, seenAt: '2026-11-23T10:00:02.000000Z' }],
      },
    ]);
  });

  it('keeps the hits on an answer apart from those on the answer stored anew', async () => {
    hits.count('p1', 'a', 'v1', '2026-11-23T10:00:00.000000Z');
    hits.count('p1', 'a', 'v2', '2026-11-23T10:00:01.000000Z');
    hits.count('p1', 'a', 'v2', '2026-11-23T10:00:02.000000Z');

    await hits.write();

    expect(written[0].hits).toEqual([
      { id: 'a', version: 'v1', count: 1, seenAt: '2026-11-23T10:00:00.000000Z' },
      { id: 'a', version: 'v2', count: 2, seenAt: '2026-11-23T10:00:02.000000Z' },
    ]);
  });

  it(`keeps counts for at most ${CACHE_HITS_PENDING_MAX} answers, still adding to those it keeps`, async () => {
    for (let i = 0; i <= CACHE_HITS_PENDING_MAX; i++)
      hits.count('p1', `id-${i}`, 'v1', '2026-11-23T10:00:00.000000Z');
    hits.count('p1', 'id-0', 'v1', '2026-11-23T10:00:00.000000Z');
    down = true;
    await hits.write();
    down = false;
    hits.count('p1', 'id-1', 'v1', '2026-11-23T10:00:00.000000Z');

    await hits.write();

    expect(written[0].hits).toHaveLength(CACHE_HITS_PENDING_MAX);
    expect(written[0].hits.slice(0, 2)).toEqual([
      expect.objectContaining({ id: 'id-0', count: 2 }),
      expect.objectContaining({ id: 'id-1', count: 2 }),
    ]);
  });
});
