import { randomUUID } from 'node:crypto';

import {
  DomainEventBus,
  OutboxPublisher,
  OutboxRelay,
  OutboxService,
  QueueName,
  QueueProducer,
  RedisService,
  TenantDb,
} from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { type Queue } from 'bullmq';
import { type Pool } from 'pg';
import { DataSource } from 'typeorm';

import { createQueueTestingModule, insertProperty, PrivateRedis, waitFor } from './queue-fixtures';

const HOLD_MS = 10_000;

interface Row {
  id: string;
  status: string;
  held: boolean;
}

describe(OutboxPublisher.name, () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let moduleRef: TestingModule;
  let owner: Pool;
  let relay: OutboxRelay;
  let tenantDb: TenantDb;
  let outbox: OutboxService;
  let publisher: OutboxPublisher;
  let queue: Queue;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await PrivateRedis.start();
    // No sweep: only the publisher, NOTIFY and explicit relays publish here.
    useTestEnvironment(db.appUrl, {
      REDIS_URL: redis.url,
      OUTBOX_SWEEP_INTERVAL_MS: '600000',
      OUTBOX_HOLD_MS: String(HOLD_MS),
    });
    moduleRef = await createQueueTestingModule();
    owner = pool(db.ownerUrl);
    relay = moduleRef.get(OutboxRelay);
    tenantDb = moduleRef.get(TenantDb);
    outbox = moduleRef.get(OutboxService);
    publisher = moduleRef.get(OutboxPublisher);
    queue = moduleRef.get(QueueProducer).queue(QueueName.Automations);
    await queue.waitUntilReady();
    // Followed, so that its events take jobs (one nobody follows is only recorded).
    moduleRef.get(DomainEventBus).subscribe('test.happened', () => Promise.resolve());
  });

  afterAll(async () => {
    await moduleRef?.close();
    await owner?.end();
    await redis?.stop();
    await db?.drop();
  });

  const publishEvent = (propertyId: string, n = 1) =>
    tenantDb.run({ propertyId }, () => outbox.publishEvent('test.happened', { n }));

  /** The property's outbox rows, read in its own transaction (the outbox is under RLS). */
  const rowsOf = (propertyId: string): Promise<Row[]> =>
    tenantDb.run({ propertyId }, (em) =>
      em.query(
        `select id, status, held_until is not null as held from platform.outbox
          where property_id = $1 order by id`,
        [propertyId],
      ),
    );

  /** A row inserted as a process writes it, held `hold` from now (its property's transaction). */
  const insertHeld = async (propertyId: string, hold: string, payload: object): Promise<string> => {
    const rows: { id: string }[] = await tenantDb.run({ propertyId }, (em) =>
      em.query(
        `insert into platform.outbox (property_id, queue, job_name, payload, held_until)
         values ($1, 'automations', 'domain-event', $2, now() + $3::interval) returning id`,
        [propertyId, JSON.stringify(payload), hold],
      ),
    );
    return rows[0].id;
  };

  const jobIdsOf = async (propertyId: string) =>
    (await queue.getJobs())
      .filter((job) => (job.data as { propertyId?: string }).propertyId === propertyId)
      .map((job) => job.id)
      .sort();

  it('publishes the jobs of a committed transaction from its own process, then marks their rows published', async () => {
    const propertyId = await insertProperty(owner, 'pub-commit');

    const ids = await tenantDb.run({ propertyId }, async () => [
      await outbox.publishEvent('test.happened', { n: 1 }),
      await outbox.publishEvent('test.happened', { n: 2 }),
    ]);

    // Held from the relay meanwhile; published once the publishes under way are done.
    expect(await relay.relayProperty(propertyId)).toBe(0);
    await publisher.flush();
    expect(await jobIdsOf(propertyId)).toEqual([...ids].sort());
    expect(await rowsOf(propertyId)).toEqual(ids.map((id) => ({ id, status: 'published', held: false })));
  });

  it('records an event no subscriber follows as published, beside a followed one, and makes it no job', async () => {
    const propertyId = await insertProperty(owner, 'pub-unfollowed');

    const [followed, unfollowed] = await tenantDb.run({ propertyId }, async () => [
      await outbox.publishEvent('test.happened', { n: 1 }),
      await outbox.publishEvent('test.nobody-listens', { n: 2 }),
    ]);
    await publisher.flush();

    expect(await jobIdsOf(propertyId)).toEqual([followed]);
    expect(await rowsOf(propertyId)).toEqual(
      [followed, unfollowed].sort().map((id) => ({ id, status: 'published', held: false })),
    );
    expect(await relay.relayProperty(propertyId)).toBe(0);
  });

  it('records an unfollowed event as published where the caller commits, without waking the relay, and takes no job', async () => {
    const propertyId = await insertProperty(owner, 'pub-unfollowed-within');
    const listener = await owner.connect();
    const notified: string[] = [];
    listener.on('notification', (n) => notified.push(n.payload ?? ''));
    await listener.query('listen butler_outbox');
    try {
      const id = await moduleRef
        .get(DataSource)
        .transaction((em) =>
          tenantDb.within(em, { propertyId }, () => outbox.publishEvent('test.nobody-listens', { n: 1 })),
        );
      // A followed event's row, written the same way afterwards, does notify: the listener works.
      const followed = await moduleRef
        .get(DataSource)
        .transaction((em) =>
          tenantDb.within(em, { propertyId }, () => outbox.publishEvent('test.happened', { n: 2 })),
        );
      await waitFor('the followed row to notify', () => Promise.resolve(notified.length > 0));

      expect(notified).toEqual([propertyId]);
      expect((await rowsOf(propertyId)).find((r) => r.id === id)).toEqual({
        id,
        status: 'published',
        held: false,
      });
      expect(await relay.relayProperty(propertyId)).toBe(1);
      expect(await jobIdsOf(propertyId)).toEqual([followed]);
    } finally {
      listener.release();
    }
  });

  it('publishes nothing of a transaction that rolled back', async () => {
    const propertyId = await insertProperty(owner, 'pub-rollback');

    await expect(
      tenantDb.run({ propertyId }, async () => {
        await outbox.publishEvent('test.happened', { n: 1 });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');

    await publisher.flush();
    expect(await jobIdsOf(propertyId)).toEqual([]);
    expect(await rowsOf(propertyId)).toEqual([]);
  });

  it('writes the rows with the commit, and rolls everything back when they fail there', async () => {
    const gone = randomUUID(); // no such property: the outbox row's foreign key refuses it at the commit
    const before = (await queue.getJobCounts()).waiting;

    await expect(
      tenantDb.run({ propertyId: gone }, () => outbox.publishEvent('test.happened', { n: 1 })),
    ).rejects.toThrow(/foreign key/);

    expect((await queue.getJobCounts()).waiting).toBe(before);
    // The connection went back to the pool clean: the next transactions on it commit.
    const propertyId = await insertProperty(owner, 'pub-after-failure');
    for (let i = 0; i < 5; i++) await publishEvent(propertyId, i);
    await publisher.flush();
    expect((await rowsOf(propertyId)).map((r) => r.status)).toEqual(Array(5).fill('published'));
  });

  it('hands the rows to the relay at once when Redis is down, and the relay publishes them once it is back', async () => {
    const propertyId = await insertProperty(owner, 'pub-redis-down');
    await redis.stop();
    let id: string;
    try {
      id = await publishEvent(propertyId);
      await publisher.flush();

      expect(await rowsOf(propertyId)).toEqual([{ id, status: 'pending', held: false }]);
    } finally {
      await redis.start();
      await waitFor('the producer to reconnect', async () => (await queue.client).status === 'ready');
      await waitFor('the bus to reconnect', async () =>
        Promise.resolve(moduleRef.get(RedisService).client.status === 'ready'),
      );
    }

    await waitFor('the relay to publish the released row', async () => {
      await relay.relayProperty(propertyId);
      return (await jobIdsOf(propertyId)).length === 1;
    });
    expect(await jobIdsOf(propertyId)).toEqual([id]);
    expect(await rowsOf(propertyId)).toEqual([{ id, status: 'published', held: false }]);
  });

  it('leaves a row held by a process that died to the relay until its hold has passed, then publishes it once', async () => {
    const propertyId = await insertProperty(owner, 'pub-died');
    // What a process leaves behind when it dies between its commit and its publish.
    const id = await insertHeld(propertyId, '1 second', {
      propertyId,
      eventId: randomUUID(),
      type: 'test.happened',
      data: {},
      occurredAt: new Date().toISOString(),
    });

    expect(await relay.relayProperty(propertyId)).toBe(0);
    expect(await jobIdsOf(propertyId)).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await relay.relayProperty(propertyId)).toBe(1);
    expect(await relay.relayProperty(propertyId)).toBe(0);
    expect(await jobIdsOf(propertyId)).toEqual([id]);
  });

  it('writes rows the relay takes at once (unheld, with NOTIFY) where the caller commits the transaction', async () => {
    const propertyId = await insertProperty(owner, 'pub-within');
    await relay.start();
    try {
      const id = await moduleRef
        .get(DataSource)
        .transaction((em) =>
          tenantDb.within(em, { propertyId }, () => outbox.publishEvent('test.happened', { n: 1 })),
        );

      expect((await rowsOf(propertyId)).map((r) => [r.id, r.held])).toEqual([[id, false]]);
      await waitFor('the relay to publish on NOTIFY', async () => (await jobIdsOf(propertyId)).length === 1);
      expect(await jobIdsOf(propertyId)).toEqual([id]);
    } finally {
      await relay.stop();
    }
  });

  it("marks rows of its own property only, under the property's row-level security", async () => {
    const a = await insertProperty(owner, 'pub-mark-a');
    const b = await insertProperty(owner, 'pub-mark-b');
    const idB = await insertHeld(b, '1 hour', { propertyId: b });

    // Told that b's row was published in a, the mark (a's transaction) sees no such row.
    await publisher.publish(a, [{ id: idB, jobName: 'domain-event', payload: { propertyId: a } }]);
    await publisher.flush();

    expect(await rowsOf(b)).toEqual([{ id: idB, status: 'pending', held: true }]);
  });
});
