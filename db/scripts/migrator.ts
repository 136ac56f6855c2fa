import { DataSource } from 'typeorm';

import { migrations } from '../migrations';

/** A DataSource as the owner role, for running the reviewed raw-SQL migrations. */
export function ownerDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: ['error'],
    extra: { application_name: 'butler-migrate', max: 2 },
  });
}

export async function migrateUp(url: string): Promise<string[]> {
  const ds = await ownerDataSource(url).initialize();
  try {
    return (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

/** Reverts the last `steps` migrations (all of them with steps = Infinity). */
export async function migrateDown(url: string, steps = 1): Promise<number> {
  const ds = await ownerDataSource(url).initialize();
  let reverted = 0;
  try {
    while (reverted < steps) {
      const [table] = await ds.query<{ t: string | null }[]>(
        `select to_regclass('public.schema_migrations') as t`,
      );
      if (!table.t) break;
      const [{ count }] = await ds.query<{ count: number }[]>(
        'select count(*)::int as count from public.schema_migrations',
      );
      if (count === 0) break;
      await ds.undoLastMigration({ transaction: 'each' });
      reverted += 1;
    }
    return reverted;
  } finally {
    await ds.destroy();
  }
}
