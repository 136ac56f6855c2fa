import {
  DeferJob,
  DomainEventBus,
  type DomainEventPayload,
  JobName,
  LOCAL_JOBS_PER_TRANSACTION,
  LocalJobs,
  OutboxPublisher,
  OutboxRelay,
  OutboxService,
  QUEUE_DEFAULTS,
  QueueName,
  QueueProducer,
  TenantDb,
  WorkerHost,
} from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { type Queue } from 'bullmq';
import { type Pool } from 'pg';

import {
  createQueueTestingModule,
  insertProperty,
  outboxStatus,
  PrivateRedis,
  waitFor,
} from './queue-fixtures';

/**
 * Jobs run where they were written (LocalJobs; in production a reply's send), here domain events
 * with a subscriber that works in the property: the worker runs them right after the commit, their
 * held outbox rows (held well past a provider call's timeout) are the safety net.
 */
describe(LocalJobs.name, () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let moduleRef: TestingModule;
  let owner: Pool;
  let admin: Pool;
  let host: WorkerHost;
  let local: LocalJobs;
  let bus: DomainEventBus;
  let tenantDb: TenantDb;
  let outbox: OutboxService;
  let relay: OutboxRelay;
  let publisher: OutboxPublisher;
  let queue: Queue;
  const unsubscribes: (() => void)[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await PrivateRedis.start();
    useTestEnvironment(db.appUrl, { REDIS_URL: redis.url, OUTBOX_SWEEP_INTERVAL_MS: '600000' });
    moduleRef = await createQueueTestingModule();
    owner = pool(db.ownerUrl);
    admin = pool(db.adminUrl, { max: 1 });
    host = moduleRef.get(WorkerHost);
    local = moduleRef.get(LocalJobs);
    bus = moduleRef.get(DomainEventBus);
    tenantDb = moduleRef.get(TenantDb);
    outbox = moduleRef.get(OutboxService);
    relay = moduleRef.get(OutboxRelay);
    publisher = moduleRef.get(OutboxPublisher);
    queue = moduleRef.get(QueueProducer).queue(QueueName.Automations);
    await queue.waitUntilReady();
    // No consumers: what reaches the queue stays there to be looked at.
    host.start([], [JobName.DomainEvent]);
  });

  afterEach(() => {
    for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
  });

  afterAll(async () => {
    await host?.close();
    await moduleRef?.close();
    await owner?.end();
    await admin?.end();
    await redis?.stop();
    await db?.drop();
  });

  const subscribe = (type: string, subscriber: (event: DomainEventPayload) => Promise<void>) =>
    unsubscribes.push(bus.subscribe(type, subscriber));

  const heldUntil = async (propertyId: string, id: string) =>
    (
      await admin.query<{ held: boolean }>(
        "select held_until > now() + interval '60 seconds' as held from platform.outbox where property_id = $1 and id = $2",
        [propertyId, id],
      )
    ).rows[0]?.held;

  /** The runs started, then the marks of their rows. */
  const settle = async () => {
    await local.drain();
    await publisher.flush();
  };

  it('runs a job right after its transaction commits, in this process, and marks its held row published', async () => {
    const propertyId = await insertProperty(owner, 'local-ok');
    const seen: string[] = [];
    subscribe('test.local', async (e) => {
      const rows: { property_id: string }[] = await tenantDb.manager.query(
        `select current_setting('app.property_id') as property_id`,
      );
      seen.push(`${String(e.data.n)}@${rows[0].property_id}`);
    });

    const id = await tenantDb.run({ propertyId }, async () => {
      const written = await outbox.publishEvent('test.local', { n: 1 });
      expect(seen).toEqual([]); // not before the commit
      return written;
    });
    await settle();

    expect(seen).toEqual([`1@${propertyId}`]);
    expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
    expect(await relay.relayProperty(propertyId)).toBe(0);
    expect(await queue.getJob(id)).toBeUndefined();
  });

  it('runs nothing for a transaction that rolled back', async () => {
    const propertyId = await insertProperty(owner, 'local-rollback');
    const seen: number[] = [];
    subscribe('test.rollback', () => Promise.resolve(void seen.push(1)));

    await expect(
      tenantDb.run({ propertyId }, async () => {
        await outbox.publishEvent('test.rollback', {});
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await settle();

    expect(seen).toEqual([]);
  });

  it('hands a job that failed where it was written to its queue, with the queue backoff, under its outbox id', async () => {
    const propertyId = await insertProperty(owner, 'local-fail');
    subscribe('test.failing', () => Promise.reject(new Error('subscriber down')));

    const id = await tenantDb.run({ propertyId }, () => outbox.publishEvent('test.failing', {}));
    await settle();

    const job = await queue.getJob(id);
    expect(job?.name).toBe(JobName.DomainEvent);
    expect(job?.data).toMatchObject({ type: 'test.failing', propertyId });
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBe(2000);
    // The run where written was the first attempt.
    expect(job?.opts.attempts).toBe(QUEUE_DEFAULTS[QueueName.Automations].attempts! - 1);
    expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
  });

  it('hands a job that asks to wait to its queue after the wait it asked for', async () => {
    const propertyId = await insertProperty(owner, 'local-defer');
    subscribe('test.deferred', () => Promise.reject(new DeferJob(7_000, 'not yet')));

    const id = await tenantDb.run({ propertyId }, () => outbox.publishEvent('test.deferred', {}));
    await settle();

    const job = await queue.getJob(id);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.delay).toBe(7_000);
    expect(job?.opts.attempts).toBe(QUEUE_DEFAULTS[QueueName.Automations].attempts); // a wait uses none
    expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
  });

  it('publishes a job written to run here when this process stopped running jobs before the commit', async () => {
    const propertyId = await insertProperty(owner, 'local-stopping');
    subscribe('test.stopping', () => Promise.resolve());

    const id = await tenantDb
      .run({ propertyId }, async () => {
        const written = await outbox.publishEvent('test.stopping', {});
        local.disable(); // shutting down: the consumers and the runs where written stop
        return written;
      })
      .finally(() => host.start([], [JobName.DomainEvent]));
    await publisher.flush();

    expect(await (await queue.getJob(id))?.getState()).toBe('waiting');
    expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
  });

  it('sends the jobs of a transaction that wrote more than a few to their queue instead', async () => {
    const propertyId = await insertProperty(owner, 'local-batch');
    const seen: number[] = [];
    subscribe('test.batch', (e) => Promise.resolve(void seen.push(Number(e.data.n))));

    const ids = await tenantDb.run({ propertyId }, () =>
      Promise.all(
        Array.from({ length: LOCAL_JOBS_PER_TRANSACTION + 1 }, (_, n) =>
          outbox.publishEvent('test.batch', { n }),
        ),
      ),
    );
    await settle();

    expect(seen).toEqual([]);
    for (const id of ids) {
      expect(await (await queue.getJob(id))?.getState()).toBe('waiting');
      expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
    }
  });

  it('sends the jobs not yet started to their queue when this process stops running jobs', async () => {
    const propertyId = await insertProperty(owner, 'local-stop-midway');
    const seen: number[] = [];
    subscribe('test.midway', (e) => {
      seen.push(Number(e.data.n));
      local.disable(); // shutdown begins while the first job runs
      return Promise.resolve();
    });

    const [first, second] = await tenantDb
      .run({ propertyId }, () =>
        Promise.all([
          outbox.publishEvent('test.midway', { n: 1 }),
          outbox.publishEvent('test.midway', { n: 2 }),
        ]),
      )
      .finally(() => settle().then(() => host.start([], [JobName.DomainEvent])));

    expect(seen).toEqual([1]);
    expect(await queue.getJob(first)).toBeUndefined();
    expect(await (await queue.getJob(second))?.getState()).toBe('waiting');
    expect(await outboxStatus(tenantDb, propertyId, first)).toBe('published');
    expect(await outboxStatus(tenantDb, propertyId, second)).toBe('published');
  });

  describe('prepared where written', () => {
    const txid = async () =>
      (await tenantDb.manager.query<{ id: string }[]>(`select txid_current()::text as id`))[0].id;
    const runs: { n: number; prepared: unknown }[] = [];
    const enable = (prepare: (name: JobName, payload: Record<string, unknown>) => Promise<unknown>) =>
      local.enable(
        [JobName.DomainEvent],
        (job) =>
          Promise.resolve(
            void runs.push({ n: Number((job.payload.data as { n: number }).n), prepared: job.prepared }),
          ),
        () => Promise.reject(new Error('no queue in this test')),
        10,
        prepare,
      );

    beforeEach(() => {
      runs.length = 0;
      subscribe('test.prepared', () => Promise.resolve());
    });
    afterEach(() => host.start([], [JobName.DomainEvent]));

    it("takes the first job's first steps in the transaction writing it, and hands them to its run", async () => {
      const propertyId = await insertProperty(owner, 'local-prepared');
      const prepared: unknown[] = [];
      enable(async (name, payload) => {
        const step = { name, n: (payload.data as { n: number }).n, tx: await txid() };
        prepared.push(step);
        return step;
      });

      const writer = await tenantDb.run({ propertyId }, async () => {
        await outbox.publishEvent('test.prepared', { n: 1 });
        await outbox.publishEvent('test.prepared', { n: 2 });
        return txid();
      });
      await settle();

      // Only the first: the second waits for the first to have run.
      const first = { name: JobName.DomainEvent, n: 1, tx: writer };
      expect(prepared).toEqual([first]);
      expect(runs).toEqual([
        { n: 1, prepared: first },
        { n: 2, prepared: undefined },
      ]);
    });

    it('leaves the steps to the run when preparing failed, and the transaction commits', async () => {
      const propertyId = await insertProperty(owner, 'local-prepare-fails');
      enable(() => Promise.reject(new Error('no context here')));

      const id = await tenantDb.run({ propertyId }, () => outbox.publishEvent('test.prepared', { n: 3 }));
      await settle();

      expect(runs).toEqual([{ n: 3, prepared: undefined }]);
      expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
    });

    it('runs nothing, and nothing commits, when the transaction rolls back after the preparation', async () => {
      const propertyId = await insertProperty(owner, 'local-prepare-rollback');
      let preparedIn: string | undefined;
      enable(async () => {
        preparedIn = await txid();
        return 'prepared';
      });

      await expect(
        tenantDb.run({ propertyId }, async () => {
          await outbox.publishEvent('test.prepared', { n: 4 });
          tenantDb.beforeCommit(() => Promise.reject(new Error('a later step failed')));
        }),
      ).rejects.toThrow('a later step failed');
      await settle();

      expect(preparedIn).toBeDefined();
      const committed = await admin.query<{ n: number }>(
        'select count(*)::int as n from platform.outbox where property_id = $1',
        [propertyId],
      );
      expect(committed.rows[0].n).toBe(0);
      expect(runs).toEqual([]);
    });
  });

  it('leaves a row whose run never happened held from the relay until the hold is over, then relays it', async () => {
    const propertyId = await insertProperty(owner, 'local-crash');
    subscribe('test.crash', () => Promise.resolve());
    // A worker that dies between the commit and the run: the run never happens.
    local.enable(
      [JobName.DomainEvent],
      () => Promise.reject(new Error('gone')),
      () => Promise.reject(new Error('gone')),
      10,
    );
    const id = await tenantDb
      .run({ propertyId }, () => outbox.publishEvent('test.crash', {}))
      .finally(() => settle().then(() => host.start([], [JobName.DomainEvent])));

    expect(await heldUntil(propertyId, id)).toBe(true);
    expect(await relay.relayProperty(propertyId)).toBe(0);
    expect(await outboxStatus(tenantDb, propertyId, id)).toBe('pending');

    // The hold is over.
    await admin.query(`update platform.outbox set held_until = now() - interval '1 second' where id = $1`, [
      id,
    ]);

    expect(await relay.relayProperty(propertyId)).toBe(1);
    await waitFor('the job in its queue', async () => (await queue.getJob(id)) !== undefined);
    expect(await outboxStatus(tenantDb, propertyId, id)).toBe('published');
  });
});
