import { Socket } from 'node:net';
import { type Writable } from 'node:stream';

import { OutboxService, TenantDb } from '@app/platform';
import { createTestDatabase, pool, type TestDatabase, useTestEnvironment } from '@app/testing';
import { type TestingModule } from '@nestjs/testing';
import { type Pool } from 'pg';
import { DataSource, QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';

import { createQueueTestingModule, insertProperty, PrivateRedis } from '../queue/queue-fixtures';

/** TenantDb.run on the app's pipelined pool: the opening round trip travels with the first statement. */
describe(TenantDb.name, () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let moduleRef: TestingModule;
  let owner: Pool;
  /** The superuser: sees every property's rows (the owner is under forced RLS too). */
  let admin: Pool;
  let tenantDb: TenantDb;
  let outbox: OutboxService;
  let propertyId: string;
  let otherPropertyId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await PrivateRedis.start();
    useTestEnvironment(db.appUrl, { REDIS_URL: redis.url, OUTBOX_SWEEP_INTERVAL_MS: '600000' });
    moduleRef = await createQueueTestingModule();
    owner = pool(db.ownerUrl);
    admin = pool(db.adminUrl);
    tenantDb = moduleRef.get(TenantDb);
    outbox = moduleRef.get(OutboxService);
    propertyId = await insertProperty(owner, 'piped');
    otherPropertyId = await insertProperty(owner, 'other');
  });

  afterAll(async () => {
    await moduleRef?.close();
    await owner?.end();
    await admin?.end();
    await redis?.stop();
    await db?.drop();
  });

  const outboxCount = async (id: string): Promise<number> =>
    (
      await admin.query<{ n: number }>(
        'select count(*)::int as n from platform.outbox where property_id = $1',
        [id],
      )
    ).rows[0].n;

  const insertRow = (id: string, marker: string) =>
    tenantDb.manager.query(
      `insert into platform.outbox (property_id, queue, job_name, payload) values ($1, 'automations', 'probe', $2)`,
      [id, { marker }],
    );

  describe('run', () => {
    it("runs the work's first statement inside the property transaction it opened", async () => {
      const seen = await tenantDb.run({ propertyId }, async (em) => {
        const [first]: { property: string; tx: string }[] = await em.query(
          `select current_setting('app.property_id', true) as property, txid_current()::text as tx`,
        );
        const [second]: { tx: string }[] = await em.query(`select txid_current()::text as tx`);
        return { first, second };
      });

      expect(seen.first.property).toBe(propertyId);
      expect(seen.second.tx).toBe(seen.first.tx);
    });

    /** What `work` sends to PostgreSQL, one string per socket write. */
    const writesOf = async (work: () => Promise<unknown>): Promise<string[]> => {
      const writes: string[] = [];
      const proto = Socket.prototype as unknown as {
        _writev: NonNullable<Writable['_writev']>;
        _write: NonNullable<Writable['_write']>;
      };
      const writev = proto._writev;
      const write = proto._write;
      const text = (chunk: unknown) =>
        (Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))).toString('latin1');
      const spies = [
        jest.spyOn(proto, '_writev').mockImplementation(function (this: Socket, chunks, callback) {
          writes.push(chunks.map((c) => text(c.chunk)).join(''));
          writev.call(this, chunks, callback);
        }),
        jest.spyOn(proto, '_write').mockImplementation(function (this: Socket, chunk, encoding, callback) {
          writes.push(text(chunk));
          write.call(this, chunk, encoding, callback);
        }),
      ];
      try {
        await work();
      } finally {
        for (const spy of spies) spy.mockRestore();
      }
      return writes;
    };

    it('sends the opening and the first statement in one write, without waiting for the opening', async () => {
      const writes = await writesOf(() =>
        tenantDb.run({ propertyId }, (em) => em.query('select $1::int as first_statement_marker', [1])),
      );

      const opening = writes.filter((w) => w.includes('start transaction'));
      expect(opening).toHaveLength(1);
      expect(opening[0]).toContain('first_statement_marker');
    });

    it('commits work that waits for no answer in the write that opened it, and saves it', async () => {
      const before = await outboxCount(propertyId);

      const writes = await writesOf(() =>
        tenantDb.run({ propertyId }, () => {
          void tenantDb.trailing(
            tenantDb.manager.query(
              `insert into platform.outbox (property_id, queue, job_name, payload) values ($1, 'automations', 'one-write', '{}')`,
              [propertyId],
            ),
          );
          return Promise.resolve();
        }),
      );

      const opening = writes.filter((w) => w.includes('start transaction'));
      expect(opening).toHaveLength(1);
      expect(opening[0]).toContain('one-write');
      expect(opening[0]).toContain('commit');
      expect(writes.filter((w) => w.includes('commit'))).toHaveLength(1);
      expect(await outboxCount(propertyId)).toBe(before + 1);
    });

    it('runs statements asked together in the order asked, each seeing the writes before it', async () => {
      const [, , seen] = await tenantDb.run({ propertyId }, () =>
        Promise.all([
          insertRow(propertyId, 'a'),
          // Written with what it saw of the row asked for before it.
          tenantDb.manager.query(
            `insert into platform.outbox (property_id, queue, job_name, payload)
             select $1, 'automations', 'probe', jsonb_build_object('marker', 'b', 'saw',
                    (select count(*) from platform.outbox where job_name = 'probe' and payload ->> 'marker' = 'a'))`,
            [propertyId],
          ),
          tenantDb.manager.query<{ marker: string; saw: string | null }[]>(
            `select payload ->> 'marker' as marker, payload ->> 'saw' as saw from platform.outbox
              where job_name = 'probe' and payload ->> 'marker' in ('a', 'b') order by 1`,
          ),
        ]),
      );

      expect(seen).toEqual([
        { marker: 'a', saw: null },
        { marker: 'b', saw: '1' },
      ]);
    });

    it('rolls back what the work wrote when a statement fails, and leaves the connection usable', async () => {
      const before = await outboxCount(propertyId);

      await expect(
        tenantDb.run({ propertyId }, () =>
          Promise.all([insertRow(propertyId, 'lost'), tenantDb.manager.query('select 1 / 0')]),
        ),
      ).rejects.toThrow('division by zero');

      expect(await outboxCount(propertyId)).toBe(before);
      for (let i = 0; i < 12; i++)
        await expect(
          tenantDb.run({ propertyId }, (em) =>
            em.query(`select current_setting('app.property_id', true) as p`),
          ),
        ).resolves.toEqual([{ p: propertyId }]);
    });

    it("throws the opening's error when the opening failed, whatever the work and the COMMIT answered", async () => {
      const before = await outboxCount(propertyId);
      const dataSource = moduleRef.get(DataSource);
      const create = dataSource.createQueryRunner.bind(dataSource);
      // The next transaction's opening is refused before it reaches PostgreSQL.
      jest.spyOn(dataSource, 'createQueryRunner').mockImplementationOnce((...args) => {
        const runner = create(...args);
        const connect = runner.connect.bind(runner);
        runner.connect = async () => {
          const client = (await connect()) as { query: (...a: unknown[]) => Promise<unknown> };
          return new Proxy(client, {
            get(target, key) {
              if (key === 'query')
                return (text: unknown, ...rest: unknown[]) =>
                  typeof text === 'string' && text.startsWith('start transaction')
                    ? Promise.reject(new Error('opening refused'))
                    : target.query(text, ...rest);
              const value = Reflect.get(target, key) as unknown;
              return typeof value === 'function'
                ? (value as (...a: unknown[]) => unknown).bind(target)
                : value;
            },
          });
        };
        return runner;
      });

      await expect(
        tenantDb.run({ propertyId }, () => {
          void tenantDb.trailing(insertRow(propertyId, 'unopened'));
          return Promise.resolve();
        }),
      ).rejects.toThrow('opening refused');

      expect(await outboxCount(propertyId)).toBe(before);
      await expect(
        tenantDb.run({ propertyId }, (em) =>
          em.query(`select current_setting('app.property_id', true) as p`),
        ),
      ).resolves.toEqual([{ p: propertyId }]);
    });

    it("refuses to write another property's row from the first statement on", async () => {
      const before = await outboxCount(otherPropertyId);

      await expect(tenantDb.run({ propertyId }, () => insertRow(otherPropertyId, 'foreign'))).rejects.toThrow(
        /row-level security/,
      );

      expect(await outboxCount(otherPropertyId)).toBe(before);
    });

    it('answers statements in the shape TypeORM gives: the rows; the rows and the count for UPDATE and DELETE', async () => {
      const answers = await tenantDb.run({ propertyId }, async (em) => {
        await insertRow(propertyId, 'shape');
        const mine = `property_id = $1 and payload ->> 'marker' = 'shape'`;
        return {
          selected: (await em.query(
            `select payload ->> 'marker' as marker from platform.outbox where ${mine}`,
            [propertyId],
          )) as unknown,
          updated: (await em.query(
            `update platform.outbox set held_until = null where ${mine} returning payload ->> 'marker' as marker`,
            [propertyId],
          )) as unknown,
          deleted: (await em.query(`delete from platform.outbox where ${mine}`, [propertyId])) as unknown,
        };
      });

      expect(answers).toEqual({
        selected: [{ marker: 'shape' }],
        updated: [[{ marker: 'shape' }], 1],
        deleted: [[], 1],
      });
    });

    it("fails a statement with TypeORM's QueryFailedError, the database's error inside", async () => {
      const failure: unknown = await tenantDb
        .run({ propertyId }, (em) =>
          em.query<unknown>('select 1 / (select count(*) from platform.outbox where false)'),
        )
        .catch((err: unknown) => err);

      expect(failure).toBeInstanceOf(QueryFailedError);
      expect((failure as QueryFailedError<Error & { code: string }>).driverError.code).toBe('22012');
    });

    it('refuses a statement once its transaction is over (its connection may be another transaction’s)', async () => {
      const kept = await tenantDb.run({ propertyId }, (em) => Promise.resolve(em));

      await expect(kept.query('select 1')).rejects.toThrow(QueryRunnerAlreadyReleasedError);
    });

    it('keeps concurrent transactions of different properties apart on the shared pool', async () => {
      const runs = Array.from({ length: 40 }, (_, i) => {
        const id = i % 2 === 0 ? propertyId : otherPropertyId;
        return tenantDb
          .run({ propertyId: id }, (em) => em.query(`select current_setting('app.property_id', true) as p`))
          .then((rows: { p: string }[]) => ({ expected: id, seen: rows[0].p }));
      });

      for (const { expected, seen } of await Promise.all(runs)) expect(seen).toBe(expected);
    });
  });

  describe('trailing', () => {
    const markers = async (id: string): Promise<string[]> =>
      (
        await admin.query<{ marker: string }>(
          `select payload ->> 'marker' as marker from platform.outbox
            where property_id = $1 and job_name = 'probe' order by id`,
          [id],
        )
      ).rows.map((r) => r.marker);

    const insertReturning = (marker: string) =>
      tenantDb.manager.query<{ id: string }[]>(
        `insert into platform.outbox (property_id, queue, job_name, payload)
         values ($1, 'automations', 'probe', $2) returning id`,
        [propertyId, { marker }],
      );

    const expectUsable = async () => {
      for (let i = 0; i < 12; i++)
        await expect(
          tenantDb.run({ propertyId }, (em) =>
            em.query(`select current_setting('app.property_id', true) as p`),
          ),
        ).resolves.toEqual([{ p: propertyId }]);
    };

    it("commits a trailing statement's write with the transaction, its answer read once committed", async () => {
      const { written } = await tenantDb.run({ propertyId }, async () => {
        await insertRow(propertyId, 'first');
        return { written: tenantDb.trailing(insertReturning('trailing')) };
      });

      const [row] = await written;
      const committed = await admin.query<{ marker: string }>(
        `select payload ->> 'marker' as marker from platform.outbox where id = $1`,
        [row.id],
      );
      expect(committed.rows).toEqual([{ marker: 'trailing' }]);
      expect(await markers(propertyId)).toEqual(expect.arrayContaining(['first', 'trailing']));
    });

    it('throws, and saves nothing, when the work swallowed a failed statement (PostgreSQL rolled it all back)', async () => {
      const before = await markers(propertyId);

      await expect(
        tenantDb.run({ propertyId }, async () => {
          await insertRow(propertyId, 'swallowed');
          await tenantDb.manager.query('select 1 / 0').catch(() => undefined);
          return 'reported as done';
        }),
      ).rejects.toThrow(/rolled back/);

      expect(await markers(propertyId)).toEqual(before);
      await expectUsable();
    });

    it('keeps the work committed, after-commit steps included, when a trailing statement never reached the database', async () => {
      let afterCommitRan = false;

      await tenantDb.run({ propertyId }, async () => {
        await insertRow(propertyId, 'committed anyway');
        tenantDb.afterCommit(() => Promise.resolve(void (afterCommitRan = true)));
        void tenantDb.trailing(Promise.reject(new Error('its arguments could not be sent')));
      });

      expect(await markers(propertyId)).toContain('committed anyway');
      expect(afterCommitRan).toBe(true);
      await expectUsable();
    });

    it('rolls back the whole transaction and throws when a trailing statement fails', async () => {
      const before = await markers(propertyId);

      await expect(
        tenantDb.run({ propertyId }, async () => {
          await insertRow(propertyId, 'rolled back');
          void tenantDb.trailing(insertReturning('rolled back too'));
          void tenantDb.trailing(tenantDb.manager.query('select 1 / 0'));
        }),
      ).rejects.toThrow('division by zero');

      expect(await markers(propertyId)).toEqual(before);
      await expectUsable();
    });

    it('rolls back when a trailing statement fails in a transaction whose outbox rows go with its COMMIT', async () => {
      const before = await outboxCount(propertyId);

      await expect(
        tenantDb.run({ propertyId }, async () => {
          await outbox.publishEvent('test.happened', { n: 1 });
          void tenantDb.trailing(tenantDb.manager.query('select 1 / 0'));
        }),
      ).rejects.toThrow('division by zero');

      expect(await outboxCount(propertyId)).toBe(before);
      await expectUsable();
    });

    it('waits for a trailing statement at the end of the work where the caller commits (within)', async () => {
      const ds = moduleRef.get(DataSource);

      await expect(
        ds.transaction((em) =>
          tenantDb.within(em, { propertyId }, () => {
            void tenantDb.trailing(tenantDb.manager.query('select 1 / 0'));
            return Promise.resolve();
          }),
        ),
      ).rejects.toThrow('division by zero');
    });

    it('refuses outside a property transaction', () => {
      expect(() => tenantDb.trailing(Promise.resolve())).toThrow();
    });
  });
});
