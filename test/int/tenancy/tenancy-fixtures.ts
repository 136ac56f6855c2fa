import { randomBytes } from 'node:crypto';

import { parseUrl } from '@app/db/scripts/provisioning';
import { Client, type ClientBase, DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

/** SQLSTATE 42501: insufficient privilege, also raised when a row violates an RLS policy. */
export const INSUFFICIENT_PRIVILEGE = '42501';
export const FOREIGN_KEY_VIOLATION = '23503';

export interface SeededProperty {
  propertyId: string;
  outboxIds: string[];
  auditIds: string[];
}

export function roleOf(url: string): string {
  return parseUrl(url).user;
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'butler-tenancy-test' });
  await client.connect();
  return client;
}

/** The SQLSTATE a statement fails with, or null when it succeeds. */
export async function sqlStateOf(run: Promise<unknown>): Promise<string | null> {
  try {
    await run;
    return null;
  } catch (err) {
    const cause: unknown = err instanceof QueryFailedError ? err.driverError : err;
    if (cause instanceof DatabaseError) return cause.code ?? 'unknown';
    throw err;
  }
}

/** One way to run SQL, whether through pg or TypeORM (which hands back rows or [rows, count]). */
export type Sql = (sql: string, params?: unknown[]) => Promise<{ rows: unknown[]; rowCount: number }>;

export function viaPg(client: Pick<ClientBase, 'query'>): Sql {
  return async (sql, params = []) => {
    const result = await client.query(sql, params);
    return { rows: result.rows as unknown[], rowCount: result.rowCount ?? 0 };
  };
}

export function viaTypeorm(runner: { query(sql: string, params?: unknown[]): Promise<unknown> }): Sql {
  return async (sql, params = []) => {
    const value = await runner.query(sql, params);
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Array.isArray(value[0]) &&
      typeof value[1] === 'number'
    ) {
      return { rows: value[0] as unknown[], rowCount: value[1] };
    }
    const rows = value as unknown[];
    return { rows, rowCount: rows.length };
  };
}

/** Like sqlStateOf, inside an open transaction: a savepoint keeps the transaction usable. */
export async function attempt(
  client: ClientBase,
  sql: string,
  params: unknown[] = [],
): Promise<string | null> {
  await client.query('savepoint tenancy_attempt');
  const state = await sqlStateOf(client.query(sql, params));
  await client.query(state ? 'rollback to savepoint tenancy_attempt' : 'release savepoint tenancy_attempt');
  return state;
}

/**
 * Runs `work` in one transaction scoped like TenantDb does (transaction-local set_config), then
 * rolls back unless told to commit. `propertyId` null opens a transaction with no property.
 */
export async function inProperty<T>(
  client: ClientBase,
  propertyId: string | null,
  work: () => Promise<T>,
  end: 'commit' | 'rollback' = 'rollback',
): Promise<T> {
  await client.query('begin');
  try {
    if (propertyId) await client.query(`select set_config('app.property_id', $1, true)`, [propertyId]);
    const result = await work();
    await client.query(end);
    return result;
  } catch (err) {
    await client.query('rollback');
    throw err;
  }
}

/**
 * Creates one organization with `count` properties as the owner role (platform tables carry no
 * RLS), then seeds each with outbox and audit rows inside that property's context: FORCE RLS
 * applies to the owner too. Property i gets `outbox + i` outbox rows and `audit + i` audit rows,
 * so per-property counts differ and a leak changes them.
 */
export async function seedProperties(
  ownerUrl: string,
  count: number,
  rows: { outbox: number; audit: number } = { outbox: 2, audit: 2 },
): Promise<SeededProperty[]> {
  const owner = await connect(ownerUrl);
  try {
    const suffix = randomBytes(4).toString('hex');
    const org = await owner.query<{ id: string }>(
      `insert into platform.organizations (name) values ($1) returning id`,
      [`Tenancy group ${suffix}`],
    );
    const seeded: SeededProperty[] = [];
    for (let i = 0; i < count; i += 1) {
      const property = await owner.query<{ id: string }>(
        `insert into platform.properties (organization_id, name, code) values ($1, $2, $3) returning id`,
        [org.rows[0].id, `Tenancy hotel ${i}`, `tenancy-${suffix}-${i}`],
      );
      const propertyId = property.rows[0].id;
      const ids = await inProperty(
        owner,
        propertyId,
        async () => {
          const outbox = await owner.query<{ id: string }>(
            `insert into platform.outbox (property_id, queue, job_name, payload)
             select $1, 'maintenance', 'tenancy.seed', jsonb_build_object('n', n)
               from generate_series(1, $2::int) n
             returning id`,
            [propertyId, rows.outbox + i],
          );
          const audit = await owner.query<{ id: string }>(
            `insert into compliance.audit_log (property_id, actor_type, action, resource_type)
             select $1, 'system', 'tenancy.seed', 'test' from generate_series(1, $2::int)
             returning id`,
            [propertyId, rows.audit + i],
          );
          return { outboxIds: outbox.rows.map((r) => r.id), auditIds: audit.rows.map((r) => r.id) };
        },
        'commit',
      );
      seeded.push({ propertyId, ...ids });
    }
    return seeded;
  } finally {
    await owner.end();
  }
}

export const sorted = (values: string[]): string[] => [...values].sort();

/** The schemas the migrations create; every table in them is classified by the catalog test. */
export const PROJECT_SCHEMAS = [
  'platform',
  'guest',
  'reservation',
  'conversation',
  'operations',
  'knowledge',
  'compliance',
  'concierge',
];
