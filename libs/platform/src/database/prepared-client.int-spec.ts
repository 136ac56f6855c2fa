import { type Writable } from 'node:stream';

import { createTestDatabase, type TestDatabase } from '@app/testing';

import { PREPARED_STATEMENTS_MAX, PreparedStatementsClient } from './prepared-client';

describe('PreparedStatementsClient', () => {
  let db: TestDatabase;
  let client: PreparedStatementsClient;

  const prepared = async () =>
    (
      await client.query<{ statement: string }>(
        'select statement from pg_prepared_statements order by prepare_time',
      )
    ).rows.map((r) => r.statement);

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  beforeEach(async () => {
    client = new PreparedStatementsClient({ connectionString: db.ownerUrl });
    await client.connect();
  });

  afterEach(async () => {
    await client.end();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('prepares a parameterized statement once per connection and runs it again by name', async () => {
    const first = await client.query<{ n: number }>('select $1::int + 1 as n', [1]);
    const second = await client.query<{ n: number }>('select $1::int + 1 as n', [41]);

    expect(first.rows[0].n).toBe(2);
    expect(second.rows[0].n).toBe(42);
    expect(await prepared()).toEqual(['select $1::int + 1 as n']);
  });

  it('leaves statements without parameters unprepared (several in one round trip still work)', async () => {
    const results = (await client.query('select 1 as a; select 2 as b')) as unknown as { rows: unknown[] }[];

    expect(results.map((r) => r.rows)).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    expect(await prepared()).toEqual([]);
  });

  it('prepares again, under a new name, a statement whose result columns a migration changed', async () => {
    await client.query('create table prepared_probe (id int primary key)');
    await client.query('insert into prepared_probe values (1)');
    const read = () => client.query('select * from prepared_probe where id = $1', [1]);
    expect((await read()).rows).toEqual([{ id: 1 }]);

    await client.query('alter table prepared_probe add column note text');

    await expect(read()).rejects.toThrow(/cached plan must not change result type/);
    expect((await read()).rows).toEqual([{ id: 1, note: null }]);
  });

  it(`stops preparing new statements past ${PREPARED_STATEMENTS_MAX} distinct texts`, async () => {
    for (let i = 0; i <= PREPARED_STATEMENTS_MAX; i++) await client.query(`select $1::int + ${i}`, [i]);

    expect(await prepared()).toHaveLength(PREPARED_STATEMENTS_MAX);
    expect((await client.query<{ n: number }>('select $1::int as n', [7])).rows[0].n).toBe(7);
  });

  describe('result columns', () => {
    /** Describe (portal) messages the client sent since the last call: pg asks one per run. */
    const describes = (c: PreparedStatementsClient) => {
      const stream = (c as unknown as { connection: { stream: Writable } }).connection.stream;
      const sent: Buffer[] = [];
      const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
      stream.write = ((chunk: unknown, ...rest: unknown[]) => {
        if (Buffer.isBuffer(chunk)) sent.push(chunk);
        return write(chunk, ...rest);
      }) as Writable['write'];
      const describePortal = Buffer.from([0x44, 0, 0, 0, 6, 0x50, 0]);
      return () => {
        const bytes = Buffer.concat(sent.splice(0));
        let n = 0;
        for (let at = bytes.indexOf(describePortal); at >= 0; at = bytes.indexOf(describePortal, at + 1)) n++;
        return n;
      };
    };

    const probe = `select $1::int as n, $2::text as s, now() as at, '{"a": [1, 2]}'::jsonb as j, null::int as z`;

    it.each([
      ['one statement at a time', false],
      ['pipelined', true],
    ])(
      'describes a statement once per connection and reads later runs with its columns (%s)',
      async (_, pipeline) => {
        const c = new PreparedStatementsClient({ connectionString: db.ownerUrl, pipeline });
        await c.connect();
        try {
          const described = describes(c);
          const first = await c.query(probe, [1, 'one']);
          expect(described()).toBe(1);
          const later = await Promise.all([c.query(probe, [2, 'two']), c.query(probe, [3, null])]);
          expect(described()).toBe(0);

          for (const [result, n, s] of [
            [first, 1, 'one'],
            [later[0], 2, 'two'],
            [later[1], 3, null],
          ] as const) {
            const [{ at, ...row }] = result.rows as { at: unknown }[];
            expect(at).toBeInstanceOf(Date);
            expect([row, result.rows.length]).toEqual([{ n, s, j: { a: [1, 2] }, z: null }, 1]);
            expect(result.fields.map((f) => f.name)).toEqual(['n', 's', 'at', 'j', 'z']);
            expect(result.rowCount).toBe(1);
          }
        } finally {
          await c.end();
        }
      },
    );

    it('runs a statement that returns no rows again without a Describe, with its row count', async () => {
      const described = describes(client);
      await client.query('create temporary table columns_probe (n int)');
      const inserts = [];
      for (const n of [1, 2, 3])
        inserts.push(await client.query('insert into columns_probe values ($1)', [n]));

      expect(described()).toBe(1);
      expect(inserts.map((r) => [r.command, r.rowCount, r.rows])).toEqual([
        ['INSERT', 1, []],
        ['INSERT', 1, []],
        ['INSERT', 1, []],
      ]);
      expect(
        (await client.query('select count(*)::int as n from columns_probe where n > $1', [0])).rows,
      ).toEqual([{ n: 3 }]);
    });

    it('reads rows of no columns as rows, described or not', async () => {
      const described = describes(client);
      const none = (n: number) => client.query('select from generate_series(1, $1::int)', [n]);

      const runs = [await none(2), await none(3)];

      expect(described()).toBe(1);
      expect(runs.map((r) => [r.rowCount, r.rows])).toEqual([
        [2, [{}, {}]],
        [3, [{}, {}, {}]],
      ]);
    });

    it('prepares a statement anew after a value pg could not send (pg closes the statement)', async () => {
      const read = (value: unknown) => client.query<{ j: unknown }>('select $1::jsonb as j', [value]);
      expect((await read({ a: 1 })).rows).toEqual([{ j: { a: 1 } }]);

      await expect(read({ a: BigInt(1) })).rejects.toThrow(/BigInt/);

      expect((await read({ a: 2 })).rows).toEqual([{ j: { a: 2 } }]);
      expect((await read({ a: 3 })).rows).toEqual([{ j: { a: 3 } }]);
    });

    it('learns nothing from a run that failed: the next run is described', async () => {
      const described = describes(client);
      const divide = (d: number) => client.query<{ q: number }>('select 6 / $1::int as q', [d]);

      await expect(divide(0)).rejects.toThrow('division by zero');
      expect((await divide(2)).rows).toEqual([{ q: 3 }]);
      expect((await divide(3)).rows).toEqual([{ q: 2 }]);
      expect(described()).toBe(2);
    });
  });

  describe('pipelined', () => {
    let piped: PreparedStatementsClient;
    let writes: number;

    beforeEach(async () => {
      piped = new PreparedStatementsClient({ connectionString: db.ownerUrl, pipeline: true });
      await piped.connect();
      // Counts what reaches the socket: one call per write, however many messages it carries.
      const stream = (piped as unknown as { connection: { stream: Writable } }).connection.stream;
      const write = stream._write.bind(stream);
      const writev = stream._writev?.bind(stream);
      writes = 0;
      stream._write = (...args: Parameters<Writable['_write']>) => {
        writes += 1;
        write(...args);
      };
      if (writev)
        stream._writev = (...args: Parameters<NonNullable<Writable['_writev']>>) => {
          writes += 1;
          writev(...args);
        };
    });

    afterEach(async () => {
      await piped.end();
    });

    it('sends the statements asked for in one turn in one write, and answers each with its own rows', async () => {
      const results = await Promise.all([
        piped.query<{ n: number }>('select $1::int as n', [1]),
        piped.query<{ n: number }>('select $1::int * 2 as n', [2]),
        piped.query<{ s: string }>("select 'three' as s"),
      ]);

      expect(results.map((r) => r.rows[0])).toEqual([{ n: 1 }, { n: 4 }, { s: 'three' }]);
      expect(writes).toBe(1);
    });

    it('runs them in the order asked, each after the one before has finished', async () => {
      const [slow, fast] = await Promise.all([
        piped.query<{ at: Date }>('select clock_timestamp() as at from pg_sleep($1)', [0.05]),
        piped.query<{ at: Date }>('select clock_timestamp() as at where $1::int = 1', [1]),
      ]);

      expect(fast.rows[0].at.getTime()).toBeGreaterThanOrEqual(slow.rows[0].at.getTime());
    });

    it('fails only the statement in error outside a transaction', async () => {
      const [failed, after] = await Promise.allSettled([
        piped.query('select 1 / $1::int', [0]),
        piped.query<{ n: number }>('select $1::int as n', [5]),
      ]);

      expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'division by zero' } });
      expect(after).toMatchObject({ status: 'fulfilled', value: { rows: [{ n: 5 }] } });
    });

    it('fails the statements after one in error inside a transaction, and rolls back cleanly', async () => {
      await piped.query('create temporary table pipelined_probe (n int)');
      const settled = await Promise.allSettled([
        piped.query('begin'),
        piped.query('insert into pipelined_probe values ($1)', [1]),
        piped.query('select 1 / $1::int', [0]),
        piped.query('insert into pipelined_probe values ($1)', [2]),
      ]);
      await piped.query('rollback');

      expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
      expect(settled[3].status === 'rejected' && (settled[3].reason as Error).message).toMatch(
        /transaction is aborted/,
      );
      expect((await piped.query('select count(*)::int as n from pipelined_probe')).rows).toEqual([{ n: 0 }]);
    });
  });
});
