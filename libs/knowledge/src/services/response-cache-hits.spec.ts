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
    hits.count('p1', 'a', '2026-11-23 10:00:00.5+00');
    hits.count('p1', 'a', '2026-11-23 10:00:01.25+00');
    hits.count('p1', 'a', '2026-11-23 10:00:01+00');
    hits.count('p1', 'b', '2026-11-23 10:00:00+00');
    hits.count('p2', 'c', '2026-11-23 10:00:00+00');

    await hits.write();
    await hits.write();

    expect(written).toEqual([
      {
        propertyId: 'p1',
        hits: [
          { id: 'a', count: 3, seenAt: '2026-11-23 10:00:01.25+00' },
          { id: 'b', count: 1, seenAt: '2026-11-23 10:00:00+00' },
        ],
      },
      { propertyId: 'p2', hits: [{ id: 'c', count: 1, seenAt: '2026-11-23 10:00:00+00' }] },
    ]);
  });

  it('counts a hit only once the transaction that read it has committed', async () => {
    afterCommit = [];
    hits.count('p1', 'a', '2026-11-23 10:00:00+00');
    await hits.write();
    expect(written).toEqual([]);

    for (const step of afterCommit) await step();
    await hits.write();
    expect(written).toEqual([
      { propertyId: 'p1', hits: [{ id: 'a', count: 1, seenAt: '2026-11-23 10:00:00+00' }] },
    ]);
  });

  it('keeps the hits while the database is down and writes them once it is back', async () => {
    hits.count('p1', 'a', '2026-11-23 10:00:00+00');
    down = true;
    await hits.write();
    hits.count('p1', 'a', '2026-11-23 10:00:02+00');
    down = false;

    await hits.write();

    expect(written).toEqual([
      { propertyId: 'p1', hits: [{ id: 'a', count: 2, seenAt: '2026-11-23 10:00:02+00' }] },
    ]);
  });

  it(`keeps counts for at most ${CACHE_HITS_PENDING_MAX} answers`, async () => {
    for (let i = 0; i <= CACHE_HITS_PENDING_MAX; i++) hits.count('p1', `id-${i}`, '2026-11-23 10:00:00+00');
    hits.count('p1', 'id-0', '2026-11-23 10:00:00+00');

    await hits.write();

    expect(written[0].hits).toHaveLength(CACHE_HITS_PENDING_MAX);
    expect(written[0].hits[0]).toMatchObject({ id: 'id-0', count: 2 });
  });
});
