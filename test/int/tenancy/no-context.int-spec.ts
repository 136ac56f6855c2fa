import 'reflect-metadata';

import { AsyncLocalStorage } from 'node:async_hooks';

import { TenantDb } from '@app/platform';
import { createTestDatabase, type TestDatabase } from '@app/testing';
import { ClsService } from 'nestjs-cls';
import { type Client, Pool } from 'pg';
import { DataSource } from 'typeorm';

import {
  connect,
  inProperty,
  INSUFFICIENT_PRIVILEGE,
  type SeededProperty,
  seedProperties,
  type Sql,
  sqlStateOf,
  viaPg,
  viaTypeorm,
} from './tenancy-fixtures';

interface Outside {
  outbox: number;
  audit: number;
  setting: string | null;
  property: string | null;
}

/** What a statement outside any property transaction sees on this connection. */
async function lookOutside(sql: Sql): Promise<Outside> {
  const { rows } = await sql(
    `select (select count(*)::int from platform.outbox) as outbox,
            (select count(*)::int from compliance.audit_log) as audit,
            current_setting('app.property_id', true) as setting,
            platform.current_property_id()::text as property`,
  );
  return rows[0] as Outside;
}

async function writesOutside(sql: Sql, propertyId: string) {
  return {
    outboxInsert: await sqlStateOf(
      sql(
        `insert into platform.outbox (property_id, queue, job_name, payload) values ($1, 'maintenance', 'x', '{}')`,
        [propertyId],
      ),
    ),
    auditInsert: await sqlStateOf(
      sql(
        `insert into compliance.audit_log (property_id, actor_type, action, resource_type)
         values ($1, 'system', 'tenancy.orphan', 'test')`,
        [propertyId],
      ),
    ),
    outboxUpdate: (await sql(`update platform.outbox set status = 'published'`)).rowCount,
    outboxDelete: (await sql('delete from platform.outbox')).rowCount,
  };
}

const REFUSED_WRITES = {
  outboxInsert: INSUFFICIENT_PRIVILEGE,
  auditInsert: INSUFFICIENT_PRIVILEGE,
  outboxUpdate: 0,
  outboxDelete: 0,
};

describe('no property context', () => {
  let db: TestDatabase;
  let property: SeededProperty;
  let owner: Client;

  /** Row counts as the property itself sees them, to prove the rows are there. */
  const ownCounts = () =>
    inProperty(owner, property.propertyId, async () => {
      const seen = await lookOutside(viaPg(owner));
      return { outbox: seen.outbox, audit: seen.audit };
    });

  beforeAll(async () => {
    db = await createTestDatabase();
    [property] = await seedProperties(db.ownerUrl, 1, { outbox: 3, audit: 2 });
    owner = await connect(db.ownerUrl);
  });

  afterAll(async () => {
    await owner?.end();
    await db?.drop();
  });

  describe('fresh connection', () => {
    it('sees no tenant rows and no property', async () => {
      const app = await connect(db.appUrl);
      try {
        expect(await lookOutside(viaPg(app))).toEqual({ outbox: 0, audit: 0, setting: null, property: null });
        expect(await ownCounts()).toEqual({ outbox: 3, audit: 2 });
      } finally {
        await app.end();
      }
    });

    it('refuses inserts and changes no rows', async () => {
      const app = await connect(db.appUrl);
      try {
        expect(await writesOutside(viaPg(app), property.propertyId)).toEqual(REFUSED_WRITES);
        expect(await ownCounts()).toEqual({ outbox: 3, audit: 2 });
      } finally {
        await app.end();
      }
    });
  });

  describe('pooled connection reused after a property transaction', () => {
    let pool: Pool;

    beforeEach(() => {
      pool = new Pool({ connectionString: db.appUrl, max: 1 });
      pool.on('error', () => undefined); // idle clients cut off by the teardown's DROP DATABASE
    });

    afterEach(async () => {
      await pool.end();
    });

    it.each(['commit', 'rollback'] as const)(
      'sees no rows and an empty setting after the transaction ends with %s',
      async (end) => {
        const client = await pool.connect();
        let pid: number;
        let inside: Outside;
        try {
          pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
          inside = await inProperty(client, property.propertyId, () => lookOutside(viaPg(client)), end);
        } finally {
          client.release();
        }

        const after = await pool.connect();
        try {
          const samePid = (await after.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
          const outside = await lookOutside(viaPg(after));

          expect(inside).toEqual({
            outbox: 3,
            audit: 2,
            setting: property.propertyId,
            property: property.propertyId,
          });
          expect(samePid).toBe(pid);
          // A transaction-local setting reads back as '' once its transaction is over.
          expect(outside).toEqual({ outbox: 0, audit: 0, setting: '', property: null });
          expect(await writesOutside(viaPg(after), property.propertyId)).toEqual(REFUSED_WRITES);
        } finally {
          after.release();
        }
      },
    );

    it('sees no rows after a property transaction that failed', async () => {
      const client = await pool.connect();
      try {
        const failed = await sqlStateOf(
          inProperty(client, property.propertyId, () => client.query('select 1 / 0'), 'commit'),
        );

        expect(failed).toBe('22012');
        expect(await lookOutside(viaPg(client))).toEqual({
          outbox: 0,
          audit: 0,
          setting: '',
          property: null,
        });
      } finally {
        client.release();
      }
    });
  });

  describe(TenantDb.name, () => {
    let dataSource: DataSource;
    let tenantDb: TenantDb;

    beforeAll(async () => {
      // One pooled connection, so the statement after run() reuses the transaction's connection.
      dataSource = await new DataSource({ type: 'postgres', url: db.appUrl, extra: { max: 1 } }).initialize();
      tenantDb = new TenantDb(dataSource, new ClsService(new AsyncLocalStorage()));
    });

    afterAll(async () => {
      await dataSource?.destroy();
    });

    describe('run', () => {
      it('scopes its transaction to the property and leaves the pooled connection without one', async () => {
        const inside = await tenantDb.run({ propertyId: property.propertyId }, (em) =>
          lookOutside(viaTypeorm(em)),
        );
        const outside = await lookOutside(viaTypeorm(dataSource));

        expect(inside).toEqual({
          outbox: 3,
          audit: 2,
          setting: property.propertyId,
          property: property.propertyId,
        });
        expect(outside).toEqual({ outbox: 0, audit: 0, setting: '', property: null });
        expect(await writesOutside(viaTypeorm(dataSource), property.propertyId)).toEqual(REFUSED_WRITES);
      });

      it('leaves no property on the connection when the work throws', async () => {
        const failure = new Error('work failed');

        await expect(
          tenantDb.run({ propertyId: property.propertyId }, async (em) => {
            await em.query('select 1');
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await lookOutside(viaTypeorm(dataSource))).toEqual({
          outbox: 0,
          audit: 0,
          setting: '',
          property: null,
        });
      });
    });
  });
});
