import { randomBytes } from 'node:crypto';

import { applyDatabaseAcl, withDatabase } from '@app/db/scripts/provisioning';
import { loadDatabaseUrls, processEnvironment } from '@app/platform/config';
import { Client, Pool, type PoolConfig } from 'pg';

import { TEMPLATE_ENV } from './global-setup';

export interface TestDatabase {
  name: string;
  /** As the app role (RLS applies). */
  appUrl: string;
  /** As the owner role (migrations; bypasses nothing because tables FORCE RLS). */
  ownerUrl: string;
  adminUrl: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template; one per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = processEnvironment()[TEMPLATE_ENV];
  if (!template) throw new Error(`${TEMPLATE_ENV} is not set: run through jest's int or e2e project`);
  const urls = loadDatabaseUrls();
  const name = `butler_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: urls.admin });
  await admin.connect();
  try {
    const owner = new URL(urls.owner).username;
    await admin.query(`create database "${name}" template "${template}" owner "${owner}"`);
  } finally {
    await admin.end();
  }
  const db = new Client({ connectionString: withDatabase(urls.admin, name) });
  await db.connect();
  try {
    await applyDatabaseAcl(db, name, urls);
  } finally {
    await db.end();
  }
  return {
    name,
    appUrl: withDatabase(urls.app, name),
    ownerUrl: withDatabase(urls.owner, name),
    adminUrl: withDatabase(urls.admin, name),
    drop: async () => {
      const c = new Client({ connectionString: urls.admin });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function pool(url: string, config: PoolConfig = {}): Pool {
  const p = new Pool({ connectionString: url, max: 4, ...config });
  // An idle client may be cut off while the pool is ending (DROP DATABASE … WITH (FORCE) after the
  // file's tests): expected at teardown, and without a listener it would crash the test file.
  p.on('error', () => undefined);
  return p;
}
