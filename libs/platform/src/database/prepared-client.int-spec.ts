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
});
