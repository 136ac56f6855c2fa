import { randomBytes } from 'node:crypto';

import { migrations } from '@app/db/migrations';
import { migrateDown, migrateUp } from '@app/db/scripts/migrator';
import { dropDatabase, ensureDatabase, parseUrl, withDatabase } from '@app/db/scripts/provisioning';
import { loadDatabaseUrls } from '@app/platform/config';
import { type Client } from 'pg';

import { connect, PROJECT_SCHEMAS } from './tenancy-fixtures';

/** Everything tenancy depends on, as text: relations, RLS flags, policies, grants, functions. */
async function schemaSnapshot(c: Client): Promise<Record<string, string[]>> {
  const list = async (sql: string) =>
    (await c.query<{ v: string }>(sql, [PROJECT_SCHEMAS])).rows.map((r) => r.v).sort();
  return {
    schemas: await list(
      `select nspname || ' ' || coalesce(nspacl::text, '') as v from pg_namespace where nspname = any($1::text[])`,
    ),
    relations: await list(
      `select c.oid::regclass::text || ' ' || c.relkind::text || ' rls=' || c.relrowsecurity || ' force='
              || c.relforcerowsecurity || ' ' || coalesce(c.relacl::text, '') as v
         from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1::text[])`,
    ),
    policies: await list(
      `select p.polrelid::regclass::text || ' ' || p.polname || ' ' || pg_get_expr(p.polqual, p.polrelid)
              || ' ' || pg_get_expr(p.polwithcheck, p.polrelid) as v
         from pg_policy p join pg_class c on c.oid = p.polrelid
         join pg_namespace n on n.oid = c.relnamespace where n.nspname = any($1::text[])`,
    ),
    functions: await list(
      `select p.oid::regprocedure::text || ' secdef=' || p.prosecdef || ' ' || coalesce(p.proconfig::text, '')
              || ' ' || coalesce(p.proacl::text, '') as v
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any($1::text[])`,
    ),
  };
}

async function projectSchemas(c: Client): Promise<string[]> {
  const { rows } = await c.query<{ nspname: string }>(
    'select nspname from pg_namespace where nspname = any($1::text[]) order by nspname',
    [PROJECT_SCHEMAS],
  );
  return rows.map((r) => r.nspname);
}

describe('migrations', () => {
  const urls = loadDatabaseUrls();
  const name = `butler_t_mig_${process.pid}_${randomBytes(4).toString('hex')}`;
  const ownerUrl = withDatabase(urls.owner, name);
  let admin: Client;

  beforeAll(async () => {
    await ensureDatabase(urls, name);
    admin = await connect(withDatabase(urls.admin, name));
  });

  afterAll(async () => {
    await admin?.end();
    await dropDatabase(urls.admin, name);
  });

  describe('migrateUp then migrateDown(Infinity) then migrateUp', () => {
    it('applies, fully reverts and re-applies to the same schema on a brand-new database', async () => {
      expect(await projectSchemas(admin)).toEqual([]);

      const applied = await migrateUp(ownerUrl);
      const first = await schemaSnapshot(admin);
      const reverted = await migrateDown(ownerUrl, Infinity);
      const afterDown = await projectSchemas(admin);
      const remaining = await admin.query<{ count: number }>(
        'select count(*)::int as count from public.schema_migrations',
      );
      const leftovers = await admin.query<{ what: string }>(
        `select 'function ' || p.oid::regprocedure::text as what from pg_proc p where p.proowner = $1::regrole
         union all
         select 'relation ' || c.oid::regclass::text from pg_class c
          where c.relowner = $1::regrole and c.relnamespace not in ('public'::regnamespace, 'pg_toast'::regnamespace)`,
        [parseUrl(urls.owner).user],
      );
      const reapplied = await migrateUp(ownerUrl);
      const second = await schemaSnapshot(admin);

      expect(applied).toEqual(migrations.map((m) => m.name));
      expect(first.relations).toEqual(
        expect.arrayContaining([expect.stringMatching(/^platform\.outbox r rls=true/)]),
      );
      expect(reverted).toBe(migrations.length);
      expect(afterDown).toEqual([]);
      expect(remaining.rows[0].count).toBe(0);
      expect(leftovers.rows).toEqual([]);
      expect(reapplied).toEqual(applied);
      expect(second).toEqual(first);
    }, 60_000);
  });
});
