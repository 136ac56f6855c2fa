import {
  affectedOf,
  DomainEventBus,
  JobName,
  OutboxRelay,
  OutboxService,
  QueueName,
  QueueProducer,
  RedisService,
  rowsOf,
  TenantDb,
} from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { type Queue } from 'bullmq';
import { type Pool } from 'pg';
import { DataSource } from 'typeorm';

import {
  createQueueTestingModule,
  insertProperty,
  outboxStatus,
  PrivateRedis,
  waitFor,
} from './queue-fixtures';

describe(OutboxRelay.name, () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let moduleRef: TestingModule;
  let owner: Pool;
  let relay: OutboxRelay;
  let tenantDb: TenantDb;
  let outbox: OutboxService;
  let producer: QueueProducer;
  let queue: Queue;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await PrivateRedis.start();
    // Only NOTIFY and explicit relays publish here: the periodic sweep stays out of the way.
    useTestEnvironment(db.appUrl, {
      REDIS_URL: redis.url,
      OUTBOX_SWEEP_INTERVAL_MS: '600000',
      // Every row is the relay's at once here (OutboxPublisher's own tests hold them).
      OUTBOX_HOLD_MS: '0',
    });
    moduleRef = await createQueueTestingModule();
    owner = pool(db.ownerUrl);
    relay = moduleRef.get(OutboxRelay);
    tenantDb = moduleRef.get(TenantDb);
    outbox = moduleRef.get(OutboxService);
    producer = moduleRef.get(QueueProducer);
    queue = producer.queue(QueueName.Automations);
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

  const publishEvent = (propertyId: string, type = 'test.happened') =>
    tenantDb.run({ propertyId }, () => outbox.publishEvent(type, { n: 1 }));

  const jobIdsOf = async (propertyId: string) =>
    (await queue.getJobs())
      .filter((job) => (job.data as { propertyId?: string }).propertyId === propertyId)
      .map((job) => job.id);

  /** Brings the private Redis back and waits until this module's producer has reconnected. */
  const restartRedis = async () => {
    await redis.start();
    await waitFor('the producer to reconnect', async () => (await queue.client).status === 'ready');
  };

  /** Lets a module's Redis connections come back first, so that closing it quits them cleanly. */
  const closeOnceConnected = async (other: TestingModule) => {
    await other.get(QueueProducer).queue(QueueName.Automations).waitUntilReady();
    await waitFor('the other module to reconnect', async () =>
      Promise.resolve(other.get(RedisService).client.status === 'ready'),
    );
    await other.close();
  };

  describe('relayProperty', () => {
    it('keeps a committed row pending while Redis is down and publishes it once Redis is back', async () => {
      const propertyId = await insertProperty(owner);
      await redis.stop();
      let outboxId: string;
      try {
        outboxId = await publishEvent(propertyId);

        await expect(relay.relayProperty(propertyId)).rejects.toThrow();

        expect(await outboxStatus(tenantDb, propertyId, outboxId)).toBe('pending');
      } finally {
        await restartRedis();
      }

      const published = await relay.relayProperty(propertyId);

      expect(published).toBe(1);
      expect(await jobIdsOf(propertyId)).toEqual([outboxId]);
      expect(await outboxStatus(tenantDb, propertyId, outboxId)).toBe('published');
    });

    it('fails at once, leaving the row pending, when the producer has never reached Redis', async () => {
      const propertyId = await insertProperty(owner);
      await redis.stop();
      let bootedDuringOutage: TestingModule | undefined;
      try {
        bootedDuringOutage = await createQueueTestingModule();
        const outboxId = await publishEvent(propertyId);

        await expect(bootedDuringOutage.get(OutboxRelay).relayProperty(propertyId)).rejects.toThrow(
          'Redis is unavailable',
        );

        expect(await outboxStatus(tenantDb, propertyId, outboxId)).toBe('pending');
      } finally {
        await restartRedis();
        if (bootedDuringOutage) await closeOnceConnected(bootedDuringOutage);
      }
    });

    it('publishes a row once when an earlier relay published it but died before committing', async () => {
      const propertyId = await insertProperty(owner);
      const outboxId = await publishEvent(propertyId);
      const [row] = await tenantDb.run({ propertyId }, (em) =>
        em.query<{ payload: Record<string, unknown> }[]>(
          'select payload from platform.outbox where id = $1',
          [outboxId],
        ),
      );
      await producer.add(JobName.DomainEvent, row.payload, outboxId);
      expect(await outboxStatus(tenantDb, propertyId, outboxId)).toBe('pending');

      const published = await relay.relayProperty(propertyId);

      expect(published).toBe(1);
      expect(await jobIdsOf(propertyId)).toEqual([outboxId]);
      expect(await outboxStatus(tenantDb, propertyId, outboxId)).toBe('published');
    });

    it('publishes nothing of another property when relaying one property', async () => {
      const propertyA = await insertProperty(owner, 'hotel-a');
      const propertyB = await insertProperty(owner, 'hotel-b');
      const rowA = await publishEvent(propertyA);
      const rowsB = [await publishEvent(propertyB), await publishEvent(propertyB)];

      const published = await relay.relayProperty(propertyA);

      expect(published).toBe(1);
      expect(await jobIdsOf(propertyA)).toEqual([rowA]);
      expect(await jobIdsOf(propertyB)).toEqual([]);
      for (const id of rowsB) {
        expect(await queue.getJob(id)).toBeUndefined();
        expect(await outboxStatus(tenantDb, propertyB, id)).toBe('pending');
      }
    });

    it('delivers an event only transaction-free subscribers follow right after its transaction commits, in order, without a row or job', async () => {
      const bus = moduleRef.get(DomainEventBus);
      const propertyId = await insertProperty(owner, 'hotel-live');
      const live: string[] = [];
      const offLive = bus.subscribe('test.live', (e) => Promise.resolve(void live.push(String(e.data.n))), {
        transaction: false,
      });
      try {
        const ids = await tenantDb.run({ propertyId }, async () => {
          const first = await outbox.publishEvent('test.live', { n: 1 });
          const second = await outbox.publishEvent('test.live', { n: 2 });
          expect(live).toEqual([]); // not before the commit
          return [first, second];
        });
        await expect(
          tenantDb.run({ propertyId }, async () => {
            await outbox.publishEvent('test.live', { n: 3 });
            throw new Error('rolled back');
          }),
        ).rejects.toThrow('rolled back');

        expect(live).toEqual(['1', '2']);
        expect(await relay.relayProperty(propertyId)).toBe(0);
        for (const id of ids) expect(await outboxStatus(tenantDb, propertyId, id)).toBeUndefined();
      } finally {
        offLive();
      }
    });

    it('relays such an event, in order and without a job, where the caller commits the transaction', async () => {
      const bus = moduleRef.get(DomainEventBus);
      const propertyId = await insertProperty(owner, 'hotel-live-within');
      const live: string[] = [];
      const offLive = bus.subscribe('test.live', (e) => Promise.resolve(void live.push(String(e.data.n))), {
        transaction: false,
      });
      const offStored = bus.subscribe('test.stored', () => Promise.resolve());
      const within = (n: number) =>
        moduleRef
          .get(DataSource)
          .transaction((em) =>
            tenantDb.within(em, { propertyId }, () => outbox.publishEvent('test.live', { n })),
          );
      try {
        const first = await within(1);
        const stored = await publishEvent(propertyId, 'test.stored');
        const second = await within(2);
        expect(live).toEqual([]);

        expect(await relay.relayProperty(propertyId)).toBe(3);

        expect(live).toEqual(['1', '2']);
        expect(await jobIdsOf(propertyId)).toEqual([stored]);
        for (const id of [first, stored, second])
          expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
      } finally {
        offLive();
        offStored();
      }
    });

    it('sees no outbox rows of another property inside a property transaction', async () => {
      const propertyA = await insertProperty(owner, 'hotel-a');
      const propertyB = await insertProperty(owner, 'hotel-b');
      await publishEvent(propertyB);

      // No property filter: only row-level security stands between A's transaction and B's rows.
      const [visible, updated] = await tenantDb.run({ propertyId: propertyA }, async (em) => [
        await rowsOf<{ n: number }>(em.query('select count(*)::int as n from platform.outbox')),
        await affectedOf(
          em.query(`update platform.outbox set status = 'published' where property_id = $1`, [propertyB]),
        ),
      ]);

      expect(visible).toEqual([{ n: 0 }]);
      expect(updated).toBe(0);
    });
  });

  describe('start', () => {
    it('publishes a committed row on NOTIFY, without a sweep or an explicit relay', async () => {
      const sweep = jest.spyOn(relay, 'sweep');
      try {
        await relay.start();
        await waitFor('the start-up sweep to begin', async () =>
          Promise.resolve(sweep.mock.calls.length > 0),
        );
        await sweep.mock.results[0].value;
        const propertyId = await insertProperty(owner);

        const outboxId = await publishEvent(propertyId);

        await waitFor(
          'the relay to publish on NOTIFY',
          async () => (await outboxStatus(tenantDb, propertyId, outboxId)) === 'published',
        );
        expect(sweep).toHaveBeenCalledTimes(1);
        expect(await jobIdsOf(propertyId)).toEqual([outboxId]);
      } finally {
        await relay.stop();
        sweep.mockRestore();
      }
    });
  });
});
