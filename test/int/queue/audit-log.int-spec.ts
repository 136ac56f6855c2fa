import {
  AuditRecorder,
  JobName,
  JobRegistry,
  QueueName,
  QueueProducer,
  rowsOf,
  TenantDb,
  WorkerHost,
} from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { Job } from 'bullmq';
import { type Pool } from 'pg';

import { createQueueTestingModule, insertProperty } from './queue-fixtures';

/** Partition names for this month and the next `monthsAhead`, with whether each exists yet. */
async function monthPartitions(db: Pool, monthsAhead: number): Promise<{ name: string; exists: boolean }[]> {
  const { rows } = await db.query<{ name: string; exists: boolean }>(
    `select 'audit_log_' || to_char(date_trunc('month', now()) + make_interval(months => i), 'YYYY_MM') as name,
            to_regclass('compliance.audit_log_' ||
              to_char(date_trunc('month', now()) + make_interval(months => i), 'YYYY_MM')) is not null as exists
       from generate_series(0, $1::int) as i order by i`,
    [monthsAhead],
  );
  return rows;
}

describe('audit log partitions', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let app: Pool;
  let owner: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    useTestEnvironment(db.appUrl);
    moduleRef = await createQueueTestingModule();
    app = pool(db.appUrl);
    owner = pool(db.ownerUrl);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await app?.end();
    await owner?.end();
    await db?.drop();
  });

  describe('compliance.ensure_audit_log_partitions', () => {
    it('creates the missing months once and nothing on a second call, as the app role', async () => {
      const before = await monthPartitions(app, 8);
      const missing = before.filter((p) => !p.exists).length;

      const first = await app.query<{ created: number }>(
        'select compliance.ensure_audit_log_partitions(8) as created',
      );
      const second = await app.query<{ created: number }>(
        'select compliance.ensure_audit_log_partitions(8) as created',
      );

      expect(missing).toBeGreaterThan(0);
      expect(first.rows[0].created).toBe(missing);
      expect(second.rows[0].created).toBe(0);
      expect((await monthPartitions(app, 8)).every((p) => p.exists)).toBe(true);
    });

    it('gives new partitions forced row-level security and no direct grants', async () => {
      await app.query('select compliance.ensure_audit_log_partitions(10)');
      const last = (await monthPartitions(app, 10))[10].name;

      const { rows } = await owner.query<{ rls: boolean; forced: boolean; app_can_select: boolean }>(
        `select c.relrowsecurity as rls, c.relforcerowsecurity as forced,
                has_table_privilege('butler_app', c.oid, 'select') as app_can_select
           from pg_class c where c.oid = to_regclass('compliance.' || $1)`,
        [last],
      );

      expect(rows).toEqual([{ rls: true, forced: true, app_can_select: false }]);
    });

    it('moves rows that landed in the default partition into the month partition it creates', async () => {
      const propertyId = await insertProperty(owner);
      const target = (await monthPartitions(app, 14))[14].name;
      const client = await app.connect();
      try {
        await client.query('begin');
        await client.query(`select set_config('app.property_id', $1, true)`, [propertyId]);
        await client.query(
          `insert into compliance.audit_log (property_id, actor_type, action, resource_type, created_at)
           values ($1, 'system', 'test.future', 'test', date_trunc('month', now()) + interval '14 months' + interval '3 days')`,
          [propertyId],
        );
        await client.query('commit');
      } finally {
        client.release();
      }

      const created = await app.query<{ created: number }>(
        'select compliance.ensure_audit_log_partitions(14) as created',
      );
      const placed = await owner.query<{ partition: string; forced: boolean }>(
        `select c.relname as partition, c.relforcerowsecurity as forced
           from pg_class c where c.oid = to_regclass('compliance.audit_log_default')
             or c.oid = to_regclass('compliance.audit_log')`,
      );
      const moved = await (async () => {
        const c = await app.connect();
        try {
          await c.query('begin');
          await c.query(`select set_config('app.property_id', $1, true)`, [propertyId]);
          const { rows } = await c.query<{ partition: string }>(
            `select tableoid::regclass::text as partition from compliance.audit_log where action = 'test.future'`,
          );
          await c.query('commit');
          return rows;
        } finally {
          c.release();
        }
      })();

      expect(created.rows[0].created).toBeGreaterThan(0);
      expect(moved).toEqual([{ partition: `compliance.${target}` }]);
      expect(placed.rows.every((r) => r.forced)).toBe(true);
    });

    it('refuses a months_ahead outside 0..24', async () => {
      await expect(app.query('select compliance.ensure_audit_log_partitions(25)')).rejects.toThrow(
        'months_ahead must be between 0 and 24',
      );
    });
  });

  describe('AuditLogPartitionsJob', () => {
    describe('handle', () => {
      it('creates the missing partitions on the first run and none on the second', async () => {
        // The job covers this month and the next three: take the furthest away to have one missing.
        const furthest = (await monthPartitions(app, 3))[3].name;
        await owner.query(`drop table if exists compliance.${furthest}`);
        const missing = (await monthPartitions(app, 3)).filter((p) => !p.exists).length;
        const handler = moduleRef.get(JobRegistry).get(JobName.AuditLogPartitions);
        const host = moduleRef.get(WorkerHost);
        const queue = moduleRef.get(QueueProducer).queue(QueueName.Maintenance);
        const run = () => host.process(new Job(queue, JobName.AuditLogPartitions, {}));

        const first = await run();
        const second = await run();

        expect(handler?.instance.constructor.name).toBe('AuditLogPartitionsJob');
        expect(missing).toBeGreaterThan(0);
        expect(first).toBe(missing);
        expect(second).toBe(0);
      });
    });
  });

  describe('compliance.audit_log', () => {
    it('stores a row recorded now in the current month partition', async () => {
      const propertyId = await insertProperty(owner);
      const tenantDb = moduleRef.get(TenantDb);
      const recorder = moduleRef.get(AuditRecorder);
      const [{ name: thisMonth }] = await monthPartitions(app, 0);

      const rows = await tenantDb.run({ propertyId }, async (em) => {
        await recorder.record(
          { actorType: 'system', actorId: null, action: 'test.partitioned', resourceType: 'test' },
          em,
        );
        return rowsOf<{ partition: string }>(
          em.query(
            `select tableoid::regclass::text as partition from compliance.audit_log
              where property_id = $1 and action = 'test.partitioned'`,
            [propertyId],
          ),
        );
      });

      expect(rows).toEqual([{ partition: `compliance.${thisMonth}` }]);
    });

    it('stores a row dated in a later month in that month partition', async () => {
      const propertyId = await insertProperty(owner);
      const tenantDb = moduleRef.get(TenantDb);
      const nextMonth = (await monthPartitions(app, 1))[1].name;

      const rows = await tenantDb.run({ propertyId }, (em) =>
        rowsOf<{ partition: string }>(
          em.query(
            `insert into compliance.audit_log (property_id, actor_type, action, resource_type, created_at)
             values ($1, 'system', 'test.next-month', 'test', date_trunc('month', now()) + interval '1 month 1 day')
             returning tableoid::regclass::text as partition`,
            [propertyId],
          ),
        ),
      );

      expect(rows).toEqual([{ partition: `compliance.${nextMonth}` }]);
    });
  });
});
