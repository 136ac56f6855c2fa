import { createTestDatabase, type TestDatabase } from '@app/testing';
import { type Client } from 'pg';

import {
  attempt,
  connect,
  FOREIGN_KEY_VIOLATION,
  inProperty,
  INSUFFICIENT_PRIVILEGE,
  type SeededProperty,
  seedProperties,
  sorted,
} from './tenancy-fixtures';

describe('property isolation', () => {
  let db: TestDatabase;
  let app: Client;
  let owner: Client;
  let a: SeededProperty;
  let b: SeededProperty;

  beforeAll(async () => {
    db = await createTestDatabase();
    [a, b] = await seedProperties(db.ownerUrl, 2, { outbox: 3, audit: 2 });
    app = await connect(db.appUrl);
    owner = await connect(db.ownerUrl);
  });

  afterAll(async () => {
    await app?.end();
    await owner?.end();
    await db?.drop();
  });

  /** The other property's rows as its own context sees them (through the owner: FORCE RLS holds). */
  const snapshot = (p: SeededProperty) =>
    inProperty(owner, p.propertyId, async () => ({
      outbox: (
        await owner.query<{ id: string; status: string; attempts: number }>(
          'select id, status, publish_attempts as attempts from platform.outbox order by id',
        )
      ).rows,
      audit: (await owner.query<{ id: string }>('select id from compliance.audit_log order by id')).rows,
    }));

  const pairs = () =>
    [
      ['A', 'B', a, b],
      ['B', 'A', b, a],
    ] as const;

  describe.each(['A', 'B'])('as property %s', (label) => {
    const pair = () => pairs().find(([self]) => self === label)!;

    it('reads only its own outbox and audit rows', async () => {
      const [, , self] = pair();

      const seen = await inProperty(app, self.propertyId, async () => ({
        outbox: (await app.query<{ id: string }>('select id from platform.outbox')).rows.map((r) => r.id),
        audit: (await app.query<{ id: string }>('select id from compliance.audit_log')).rows.map((r) => r.id),
        properties: (
          await app.query<{ property_id: string }>(
            `select distinct property_id from platform.outbox
             union select distinct property_id from compliance.audit_log`,
          )
        ).rows.map((r) => r.property_id),
      }));

      expect(sorted(seen.outbox)).toEqual(sorted(self.outboxIds));
      expect(sorted(seen.audit)).toEqual(sorted(self.auditIds));
      expect(seen.properties).toEqual([self.propertyId]);
    });

    it("finds none of the other property's rows even by id", async () => {
      const [, , self, other] = pair();

      const found = await inProperty(app, self.propertyId, async () => ({
        outbox: (
          await app.query('select 1 from platform.outbox where id = any($1::uuid[])', [other.outboxIds])
        ).rowCount,
        audit: (
          await app.query('select 1 from compliance.audit_log where property_id = $1', [other.propertyId])
        ).rowCount,
      }));

      expect(found).toEqual({ outbox: 0, audit: 0 });
    });

    it("updates and deletes none of the other property's outbox rows", async () => {
      const [, , self, other] = pair();
      const before = await snapshot(other);

      const affected = await inProperty(
        app,
        self.propertyId,
        async () => ({
          update: (
            await app.query(
              `update platform.outbox set status = 'published', publish_attempts = publish_attempts + 1
                where property_id = $1 or id = any($2::uuid[])`,
              [other.propertyId, other.outboxIds],
            )
          ).rowCount,
          delete: (
            await app.query('delete from platform.outbox where property_id = $1 or id = any($2::uuid[])', [
              other.propertyId,
              other.outboxIds,
            ])
          ).rowCount,
        }),
        'commit',
      );

      expect(affected).toEqual({ update: 0, delete: 0 });
      expect(await snapshot(other)).toEqual(before);
      expect(before.outbox.map((r) => r.id)).toEqual(sorted(other.outboxIds));
    });

    it('updates and deletes its own outbox rows with the same statements', async () => {
      const [, , self] = pair();

      const affected = await inProperty(app, self.propertyId, async () => ({
        update: (await app.query(`update platform.outbox set publish_attempts = publish_attempts + 1`))
          .rowCount,
        delete: (await app.query('delete from platform.outbox')).rowCount,
      }));

      expect(affected).toEqual({ update: self.outboxIds.length, delete: self.outboxIds.length });
    });

    it("refuses inserts carrying the other property's id and moving own rows to it", async () => {
      const [, , self, other] = pair();

      const states = await inProperty(app, self.propertyId, async () => ({
        outbox: await attempt(
          app,
          `insert into platform.outbox (property_id, queue, job_name, payload) values ($1, 'maintenance', 'x', '{}')`,
          [other.propertyId],
        ),
        audit: await attempt(
          app,
          `insert into compliance.audit_log (property_id, actor_type, action, resource_type)
           values ($1, 'system', 'tenancy.forged', 'test')`,
          [other.propertyId],
        ),
        move: await attempt(app, 'update platform.outbox set property_id = $1 where id = $2', [
          other.propertyId,
          self.outboxIds[0],
        ]),
        ownInsert: await attempt(
          app,
          `insert into platform.outbox (property_id, queue, job_name, payload) values ($1, 'maintenance', 'x', '{}')`,
          [self.propertyId],
        ),
      }));

      expect(states).toEqual({
        outbox: INSUFFICIENT_PRIVILEGE,
        audit: INSUFFICIENT_PRIVILEGE,
        move: INSUFFICIENT_PRIVILEGE,
        ownInsert: null,
      });
    });
  });

  describe('composite foreign key between tenant tables', () => {
    const parents = new Map<string, string>();

    beforeAll(async () => {
      // A test-only schema (the owner cannot create schemas in a cloned database, so the admin
      // creates it for the owner); the tables go through the same helper as real tenant tables.
      const admin = await connect(db.adminUrl);
      try {
        await admin.query('create schema tenancy_fk authorization butler_owner');
      } finally {
        await admin.end();
      }
      await owner.query(`
        grant usage on schema tenancy_fk to butler_runtime;
        create table tenancy_fk.parents (
          property_id uuid not null references platform.properties (id),
          id uuid not null default gen_random_uuid(),
          primary key (property_id, id)
        );
        select platform.apply_tenant_policy('tenancy_fk.parents');
        create table tenancy_fk.children (
          property_id uuid not null,
          id uuid not null default gen_random_uuid(),
          parent_id uuid not null,
          primary key (property_id, id),
          constraint children_parent_fkey foreign key (property_id, parent_id)
            references tenancy_fk.parents (property_id, id)
        );
        select platform.apply_tenant_policy('tenancy_fk.children');
      `);
      for (const p of [a, b]) {
        const id = await inProperty(
          owner,
          p.propertyId,
          async () =>
            (
              await owner.query<{ id: string }>(
                'insert into tenancy_fk.parents (property_id) values ($1) returning id',
                [p.propertyId],
              )
            ).rows[0].id,
          'commit',
        );
        parents.set(p.propertyId, id);
      }
    });

    it.each(['A', 'B'])(
      "refuses a child of property %s that references the other property's parent",
      async (label) => {
        const [, , self, other] = pairs().find(([s]) => s === label)!;

        const states = await inProperty(app, self.propertyId, async () => ({
          foreignParent: await attempt(
            app,
            'insert into tenancy_fk.children (property_id, parent_id) values ($1, $2)',
            [self.propertyId, parents.get(other.propertyId)],
          ),
          foreignChild: await attempt(
            app,
            'insert into tenancy_fk.children (property_id, parent_id) values ($1, $2)',
            [other.propertyId, parents.get(other.propertyId)],
          ),
          ownParent: await attempt(
            app,
            'insert into tenancy_fk.children (property_id, parent_id) values ($1, $2)',
            [self.propertyId, parents.get(self.propertyId)],
          ),
        }));

        expect(states).toEqual({
          foreignParent: FOREIGN_KEY_VIOLATION,
          foreignChild: INSUFFICIENT_PRIVILEGE,
          ownParent: null,
        });
      },
    );
  });
});
