/**
 * Database provisioning, as the admin (superuser) connection: roles, databases, extensions.
 * Used by `npm run db:provision`, quickstart, the docker-compose migrate service and the test
 * setup. Never used by the api or worker.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { type DatabaseUrls, processEnvironment } from '@app/platform/config';
import { Client } from 'pg';

export const RUNTIME_ROLE = 'butler_runtime';

export type DbUrls = DatabaseUrls;

interface Parsed {
  user: string;
  password: string;
  database: string;
}

export function parseUrl(url: string): Parsed {
  const u = new URL(url);
  return {
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'butler-provision' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function vectorAvailable(admin: Client): Promise<boolean> {
  const { rowCount } = await admin.query(`select 1 from pg_available_extensions where name = 'vector'`);
  return (rowCount ?? 0) > 0;
}

/** pgvector must be installable; when it is not, build it from Debian's source package. */
export async function ensurePgvector(
  adminUrl: string,
  log: (m: string) => void = console.log,
): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    if (await vectorAvailable(admin)) return;
    const { rows } = await admin.query<{ v: string }>(`select current_setting('server_version_num') as v`);
    const major = String(Math.floor(Number(rows[0].v) / 10000));
    log(`pgvector is not installed for PostgreSQL ${major}: building it from source`);
    const script = join(__dirname, 'build-pgvector.sh');
    const result = spawnSync('bash', [script], {
      stdio: 'inherit',
      env: { ...processEnvironment(), PG_MAJOR: major },
    });
    if (result.status !== 0 || !(await vectorAvailable(admin))) {
      throw new Error('pgvector is unavailable and could not be built; see the output above');
    }
  });
}

/** Creates or corrects the three roles: owner (migrations), runtime (grants), app (login, no bypass). */
export async function ensureRoles(urls: DbUrls): Promise<void> {
  const owner = parseUrl(urls.owner);
  const app = parseUrl(urls.app);
  if (owner.user === app.user)
    throw new Error('DATABASE_URL and DATABASE_OWNER_URL must use different roles');
  await withClient(urls.admin, async (admin) => {
    const upsert = async (name: string, attrs: string, password?: string) => {
      const pw = password ? ` password ${literal(password)}` : '';
      const exists = await admin.query('select 1 from pg_roles where rolname = $1', [name]);
      const verb = exists.rowCount ? 'alter' : 'create';
      await admin.query(`${verb} role ${ident(name)} ${attrs}${pw}`);
    };
    await upsert(RUNTIME_ROLE, 'nologin nosuperuser nobypassrls nocreatedb nocreaterole');
    await upsert(
      owner.user,
      'login nosuperuser nobypassrls nocreatedb nocreaterole',
      owner.password || undefined,
    );
    await upsert(
      app.user,
      'login inherit nosuperuser nobypassrls nocreatedb nocreaterole',
      app.password || undefined,
    );
    // Privileges are granted to the runtime role; the app role holds them through membership.
    await admin.query(`grant ${ident(RUNTIME_ROLE)} to ${ident(app.user)}`);
    // A transaction left idle (a stalled dependency mid-transaction) must not hold locks forever.
    await admin.query(`alter role ${ident(app.user)} set idle_in_transaction_session_timeout = '60s'`);
  });
}

/** Creates the database (owned by the owner role) if missing, with vector and pgcrypto. */
export async function ensureDatabase(
  urls: DbUrls,
  database = parseUrl(urls.owner).database,
  template?: string,
): Promise<void> {
  const owner = parseUrl(urls.owner);
  await withClient(urls.admin, async (admin) => {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (!exists.rowCount) {
      const from = template ? ` template ${ident(template)}` : '';
      await admin.query(`create database ${ident(database)} owner ${ident(owner.user)}${from}`);
    }
  });
  await withClient(withDatabase(urls.admin, database), async (db) => {
    await db.query('create extension if not exists vector');
    await db.query('create extension if not exists pgcrypto');
    await db.query('create extension if not exists btree_gin');
    await applyDatabaseAcl(db, database, urls);
  });
}

/** Database-level privileges (clones made from a template do not inherit them). */
export async function applyDatabaseAcl(
  db: Pick<Client, 'query'>,
  database: string,
  urls: DbUrls,
): Promise<void> {
  const owner = parseUrl(urls.owner);
  const app = parseUrl(urls.app);
  await db.query('revoke create on schema public from public');
  await db.query(`revoke all on database ${ident(database)} from public`);
  // No TEMPORARY: a temp schema is searched first and could shadow catalog types.
  await db.query(`revoke temporary on database ${ident(database)} from ${ident(app.user)}`);
  await db.query(`grant connect on database ${ident(database)} to ${ident(app.user)}`);
  await db.query(`grant connect, create, temporary on database ${ident(database)} to ${ident(owner.user)}`);
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, (admin) =>
    admin.query(`drop database if exists ${ident(database)} with (force)`),
  );
}

export async function provision(urls: DbUrls, log: (m: string) => void = console.log): Promise<void> {
  await ensurePgvector(urls.admin, log);
  await ensureRoles(urls);
  await ensureDatabase(urls);
  log(
    `database ${parseUrl(urls.owner).database} ready (owner ${parseUrl(urls.owner).user}, app ${parseUrl(urls.app).user})`,
  );
}
