import { randomUUID } from 'node:crypto';

import {
  DeferJob,
  DomainEventBus,
  type DomainEventPayload,
  JobName,
  OutboxRelay,
  OutboxService,
  QueueName,
  QueueProducer,
  TenantDb,
  WorkerHost,
} from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { Job, type Queue, UnrecoverableError } from 'bullmq';
import { type Pool } from 'pg';

import { createQueueTestingModule, insertProperty, PrivateRedis, waitFor } from './queue-fixtures';

describe(WorkerHost.name, () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let moduleRef: TestingModule;
  let owner: Pool;
  let host: WorkerHost;
  let bus: DomainEventBus;
  let tenantDb: TenantDb;
  let outbox: OutboxService;
  let relay: OutboxRelay;
  let queue: Queue;
  const unsubscribes: (() => void)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await PrivateRedis.start();
    // One job at a time, so jobs complete in the order they were published.
    useTestEnvironment(db.appUrl, {
      REDIS_URL: redis.url,
      WORKER_CONCURRENCY: '1',
      OUTBOX_SWEEP_INTERVAL_MS: '600000',
      // Rows go through the relay, whose double publishing is tested here (OutboxPublisher has its own).
      OUTBOX_HOLD_MS: '0',
    });
    moduleRef = await createQueueTestingModule();
    owner = pool(db.ownerUrl);
    host = moduleRef.get(WorkerHost);
    bus = moduleRef.get(DomainEventBus);
    tenantDb = moduleRef.get(TenantDb);
    outbox = moduleRef.get(OutboxService);
    relay = moduleRef.get(OutboxRelay);
    queue = moduleRef.get(QueueProducer).queue(QueueName.Automations);
    await queue.waitUntilReady();
  });

  afterEach(() => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  });

  afterAll(async () => {
    await host?.close();
    await moduleRef?.close();
    await owner?.end();
    await redis?.stop();
    await db?.drop();
  });

  const subscribe = (
    type: string,
    subscriber: (event: DomainEventPayload) => Promise<void>,
    options?: { transaction?: boolean },
  ) => unsubscribes.push(bus.subscribe(type, subscriber, options));

  const jobOf = (name: string, data: unknown) => new Job(queue, name, data, {}, randomUUID());

  const eventOf = (propertyId: string, type: string): DomainEventPayload => ({
    propertyId,
    eventId: randomUUID(),
    type,
    data: {},
    occurredAt: new Date().toISOString(),
  });

  /** Writes an event to the outbox in the property's transaction and relays it to BullMQ. */
  const publish = async (propertyId: string, type: string, data: DomainEventPayload['data'] = {}) => {
    const outboxId = await tenantDb.run({ propertyId }, () => outbox.publishEvent(type, data));
    await relay.relayProperty(propertyId);
    return outboxId;
  };

  const completed = (jobId: string) => async () => (await queue.getJobState(jobId)) === 'completed';

  describe('process', () => {
    it.each([
      ['no propertyId', { type: 'test.rejected' }],
      ['a propertyId that is not a UUID', { type: 'test.rejected', propertyId: 'hotel-1' }],
      ['a numeric propertyId', { type: 'test.rejected', propertyId: 42 }],
      ['no payload at all', null],
    ])('rejects a property-scoped job with %s without retry', async (_, data) => {
      const delivered = jest.fn(() => Promise.resolve());
      subscribe('*', delivered);

      const processing = host.process(jobOf(JobName.DomainEvent, data));

      await expect(processing).rejects.toBeInstanceOf(UnrecoverableError);
      await expect(processing).rejects.toThrow('no valid propertyId');
      expect(delivered).not.toHaveBeenCalled();
    });

    it('rejects a job that no handler is registered for without retry', async () => {
      const propertyId = await insertProperty(owner);

      await expect(host.process(jobOf('not-a-job', { propertyId }))).rejects.toBeInstanceOf(
        UnrecoverableError,
      );
    });

    it("runs a domain event's subscribers inside its property's transaction", async () => {
      const propertyId = await insertProperty(owner);
      const seen: string[] = [];
      subscribe('test.scoped', async () => {
        const rows: { property_id: string }[] = await tenantDb.manager.query(
          `select current_setting('app.property_id') as property_id`,
        );
        seen.push(rows[0].property_id);
      });

      const delivered = await host.process(jobOf(JobName.DomainEvent, eventOf(propertyId, 'test.scoped')));

      expect(delivered).toBe(1);
      expect(seen).toEqual([propertyId]);
    });

    it('runs a subscriber that needs no transaction outside one, beside those that do', async () => {
      const propertyId = await insertProperty(owner);
      const seen: string[] = [];
      subscribe('test.mixed', async () => {
        const rows: { property_id: string }[] = await tenantDb.manager.query(
          `select current_setting('app.property_id') as property_id`,
        );
        seen.push(`scoped ${rows[0].property_id}`);
      });
      subscribe(
        'test.mixed',
        async () => {
          expect(() => tenantDb.manager).toThrow();
          seen.push('direct');
          return Promise.resolve();
        },
        { transaction: false },
      );

      const delivered = await host.process(jobOf(JobName.DomainEvent, eventOf(propertyId, 'test.mixed')));

      expect(delivered).toBe(2);
      expect(seen).toEqual([`scoped ${propertyId}`, 'direct']);
    });
  });

  describe('start', () => {
    afterEach(async () => {
      await host.close();
    });

    it('delivers an outbox event once even when the relay publishes it twice', async () => {
      const propertyId = await insertProperty(owner);
      const deliveries: DomainEventPayload[] = [];
      subscribe('test.once', (event) => Promise.resolve(void deliveries.push(event)));
      host.start([QueueName.Automations]);
      const outboxId = await publish(propertyId, 'test.once', { step: 'first' });
      await waitFor('the first job to complete', completed(outboxId));
      // A relay that published the row but died before marking it published leaves it pending.
      await tenantDb.run({ propertyId }, (em) =>
        em.query(`update platform.outbox set status = 'pending', published_at = null where id = $1`, [
          outboxId,
        ]),
      );

      const republished = await relay.relayProperty(propertyId);
      // Jobs run one at a time in order, so once this later one completes any duplicate would have run.
      const laterId = await publish(propertyId, 'test.once', { step: 'later' });
      await waitFor('the later job to complete', completed(laterId));

      expect(republished).toBe(1);
      expect(deliveries.map((event) => event.data.step)).toEqual(['first', 'later']);
      expect(deliveries.every((event) => event.propertyId === propertyId)).toBe(true);
    });

    it('puts a deferred job back in the delayed set without using an attempt, then runs it', async () => {
      const propertyId = await insertProperty(owner);
      const runs: number[] = [];
      subscribe('test.deferred', () => {
        runs.push(Date.now());
        return runs.length === 1 ? Promise.reject(new DeferJob(300, 'not yet')) : Promise.resolve();
      });
      host.start([QueueName.Automations]);
      const outboxId = await publish(propertyId, 'test.deferred');
      await waitFor('the deferred job to complete', completed(outboxId));

      const job = await queue.getJob(outboxId);
      expect(runs).toHaveLength(2);
      expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(250);
      expect(job?.attemptsMade).toBe(1); // only the run that completed counts
      expect(job?.failedReason).toBeFalsy();
    });

    it('lets an in-flight job finish before close() resolves', async () => {
      const propertyId = await insertProperty(owner);
      let started = false;
      let finished = false;
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      subscribe('test.slow', async () => {
        started = true;
        await gate;
        finished = true;
      });
      host.start([QueueName.Automations]);
      const outboxId = await publish(propertyId, 'test.slow');
      await waitFor('the slow subscriber to start', () => Promise.resolve(started));

      const closing = host.close();
      setTimeout(release, 200);
      await closing;

      expect(finished).toBe(true);
      expect(await queue.getJobState(outboxId)).toBe('completed');
    });
  });
});
