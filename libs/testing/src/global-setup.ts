/**
 * Jest global setup for the int and e2e projects: provisions roles once and migrates a template
 * database named after a hash of the migrations, so it is rebuilt only when they change. Each test
 * file then clones it (CREATE DATABASE … TEMPLATE …), which takes milliseconds.
 */
import 'reflect-metadata';

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { migrateUp } from '@app/db/scripts/migrator';
import { ensureDatabase, ensurePgvector, ensureRoles, withDatabase } from '@app/db/scripts/provisioning';
import { loadDatabaseUrls, processEnvironment, setEnvironment } from '@app/platform/config';
import { Client } from 'pg';

export const TEMPLATE_ENV = 'BUTLER_TEST_TEMPLATE_DB';

function migrationsHash(): string {
  const dir = join(__dirname, '../../../db/migrations');
  const hash = createHash('sha256');
  for (const file of readdirSync(dir).sort()) hash.update(file).update(readFileSync(join(dir, file)));
  return hash.digest('hex').slice(0, 12);
}

export default async function globalSetup(): Promise<void> {
  if (processEnvironment()[TEMPLATE_ENV]) return; // the other project already prepared it
  const urls = loadDatabaseUrls();
  const template = `butler_test_tpl_${migrationsHash()}`;
  await ensurePgvector(urls.admin);
  await ensureRoles(urls);
  const admin = new Client({ connectionString: urls.admin });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (!exists.rowCount) {
      const building = `${template}_build_${process.pid}`;
      await ensureDatabase(urls, building);
      await migrateUp(withDatabase(urls.owner, building));
      // Another run may have finished the same template meanwhile: keep theirs.
      await admin.query(`alter database "${building}" rename to "${template}"`).catch(async (err: Error) => {
        await admin.query(`drop database if exists "${building}" with (force)`);
        const now = await admin.query('select 1 from pg_database where datname = $1', [template]);
        if (!now.rowCount) throw err;
      });
    }
    // Test databases left behind by killed runs (older than an hour, so parallel runs are safe).
    const stale = await admin.query<{ datname: string }>(
      `select d.datname from pg_database d
        where d.datname like 'butler_t\\_%'
          and (pg_stat_file('base/' || d.oid || '/PG_VERSION')).modification < now() - interval '1 hour'`,
    );
    for (const { datname } of stale.rows) {
      await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    }
  } finally {
    await admin.end();
  }
  setEnvironment({ [TEMPLATE_ENV]: template });
}
