import { createTestDatabase, pool, type TestDatabase } from '@app/testing';

describe('test harness', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('clones a migrated database the app role can reach', async () => {
    const p = pool(db.appUrl);
    const { rows } = await p.query<{ user: string }>('select current_user as user');
    const tables = await p.query(
      `select 1 from information_schema.tables where table_schema = 'platform' and table_name = 'properties'`,
    );
    await p.end();
    expect(rows[0].user).toBe('butler_app');
    expect(tables.rowCount).toBe(1);
  });
});
