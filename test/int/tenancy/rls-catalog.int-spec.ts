import { createTestDatabase, type TestDatabase } from '@app/testing';
import { type Client, type ClientBase } from 'pg';

import {
  attempt,
  connect,
  inProperty,
  INSUFFICIENT_PRIVILEGE,
  PROJECT_SCHEMAS,
  roleOf,
  seedProperties,
} from './tenancy-fixtures';

/**
 * The platform directory, read before any property context exists. A new platform table must be
 * either a tenant table (property_id + policy) or added here on purpose.
 */
const PLATFORM_DIRECTORY = [
  'channel_routes',
  'memberships',
  'organizations',
  'properties',
  'refresh_tokens',
  'users',
  'webchat_tokens',
];

/**
 * Tables shared by the properties of one organization (an organization's group knowledge). They
 * are isolated by organization instead, with the same fail-closed shape of policy.
 */
const ORGANIZATION_TABLES = ['knowledge.group_entries'];
const ORGANIZATION_POLICY_EXPRESSION = '(organization_id = platform.current_organization_id())';

/** The only shape of policy expression the tenancy helper writes. */
const POLICY_EXPRESSION = '(property_id = platform.current_property_id())';

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER'];

interface TableRow {
  oid: string;
  schema: string;
  relname: string;
  rls: boolean;
  force: boolean;
  property_attnum: number | null;
  property_not_null: boolean | null;
  property_type: string | null;
}

interface Table extends TableRow {
  name: string;
}

/** Project tables (partitions included), split into tenant tables and the platform directory. */
async function classifyTables(
  c: ClientBase,
): Promise<{ tenant: Table[]; directory: string[]; organization: Table[] }> {
  const { rows } = await c.query<TableRow>(
    `select c.oid::text as oid, n.nspname as schema, c.relname, c.relrowsecurity as rls,
            c.relforcerowsecurity as force, a.attnum as property_attnum,
            a.attnotnull as property_not_null, format_type(a.atttypid, a.atttypmod) as property_type
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       left join pg_attribute a on a.attrelid = c.oid and a.attname = 'property_id' and not a.attisdropped
      where c.relkind in ('r', 'p') and n.nspname = any($1::text[])
      order by n.nspname, c.relname`,
    [PROJECT_SCHEMAS],
  );
  const tables = rows.map((r) => ({ ...r, name: `${r.schema}.${r.relname}` }));
  const isOrganization = (t: Table) => ORGANIZATION_TABLES.includes(t.name);
  const isTenant = (t: Table) =>
    !isOrganization(t) &&
    (t.schema !== 'platform' || (t.property_attnum !== null && !PLATFORM_DIRECTORY.includes(t.relname)));
  return {
    tenant: tables.filter(isTenant),
    directory: tables.filter((t) => !isTenant(t) && !isOrganization(t)).map((t) => t.relname),
    organization: tables.filter(isOrganization),
  };
}

async function policyViolations(
  c: ClientBase,
  tenant: Table[],
  key: { suffix: string; expression: string } = { suffix: 'property', expression: POLICY_EXPRESSION },
): Promise<string[]> {
  const { rows } = await c.query<{
    oid: string;
    name: string;
    permissive: boolean;
    cmd: string;
    to_public: boolean;
    qual: string | null;
    with_check: string | null;
  }>(
    `select p.polrelid::text as oid, p.polname as name, p.polpermissive as permissive, p.polcmd::text as cmd,
            p.polroles = '{0}'::oid[] as to_public,
            pg_get_expr(p.polqual, p.polrelid) as qual, pg_get_expr(p.polwithcheck, p.polrelid) as with_check
       from pg_policy p
      where p.polrelid = any($1::oid[])`,
    [tenant.map((t) => t.oid)],
  );
  const violations: string[] = [];
  for (const t of tenant) {
    if (!t.rls) violations.push(`${t.name}: row level security is not enabled`);
    if (!t.force) violations.push(`${t.name}: row level security is not forced`);
    const expected = `${t.relname}_${key.suffix}_isolation`.slice(0, 63);
    const policies = rows.filter((p) => p.oid === t.oid);
    const policy = policies.find((p) => p.name === expected);
    if (!policy) violations.push(`${t.name}: no policy ${expected}`);
    else {
      if (!policy.permissive || policy.cmd !== '*' || !policy.to_public)
        violations.push(`${t.name}: ${expected} must be permissive, for all commands, to public`);
      if (policy.qual !== key.expression) violations.push(`${t.name}: USING is ${policy.qual}`);
      if (policy.with_check !== key.expression)
        violations.push(`${t.name}: WITH CHECK is ${policy.with_check}`);
    }
    // Permissive policies are OR-ed: any other one widens what the isolation policy allows.
    for (const other of policies.filter((p) => p.permissive && p.name !== expected))
      violations.push(`${t.name}: extra permissive policy ${other.name}`);
  }
  return violations;
}

function propertyColumnViolations(tenant: Table[]): string[] {
  return tenant.flatMap((t) => {
    if (t.property_attnum === null) return [`${t.name}: no property_id column`];
    const problems: string[] = [];
    if (!t.property_not_null) problems.push(`${t.name}: property_id is nullable`);
    if (t.property_type !== 'uuid') problems.push(`${t.name}: property_id is ${t.property_type}`);
    return problems;
  });
}

async function indexViolations(c: ClientBase, tenant: Table[]): Promise<string[]> {
  const { rows } = await c.query<{ oid: string; index: string; is_unique: boolean; lead: number }>(
    `select i.indrelid::text as oid, ic.relname as index, i.indisunique as is_unique, i.indkey[0] as lead
       from pg_index i join pg_class ic on ic.oid = i.indexrelid
      where i.indrelid = any($1::oid[])`,
    [tenant.map((t) => t.oid)],
  );
  return tenant.flatMap((t) => {
    const indexes = rows.filter((r) => r.oid === t.oid);
    const problems = indexes
      .filter((r) => r.is_unique && r.lead !== t.property_attnum)
      .map((r) => `${t.name}: unique index ${r.index} does not lead with property_id`);
    if (!indexes.some((r) => r.lead === t.property_attnum))
      problems.push(`${t.name}: no index leads with property_id`);
    return problems;
  });
}

async function foreignKeyViolations(c: ClientBase, tenant: Table[]): Promise<string[]> {
  const { rows } = await c.query<{ name: string; from_table: string; to_table: string }>(
    `select con.conname as name, con.conrelid::regclass::text as from_table,
            con.confrelid::regclass::text as to_table
       from pg_constraint con
      where con.contype = 'f'
        and con.conrelid = any($1::oid[])
        and con.confrelid = any($1::oid[])
        and not exists (
          select 1
            from unnest(con.conkey, con.confkey) as k(src, dst)
            join pg_attribute sa on sa.attrelid = con.conrelid and sa.attnum = k.src
            join pg_attribute da on da.attrelid = con.confrelid and da.attnum = k.dst
           where sa.attname = 'property_id' and da.attname = 'property_id')`,
    [tenant.map((t) => t.oid)],
  );
  return rows.map((r) => `${r.from_table} -> ${r.to_table}: ${r.name} does not pair property_id`);
}

/** Attributes of the app role and of every role it is a member of, directly or not. */
async function roleAttributeViolations(c: ClientBase, appRole: string): Promise<string[]> {
  const { rows } = await c.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
    `select rolname, rolsuper, rolbypassrls from pg_roles where pg_has_role($1, oid, 'MEMBER')`,
    [appRole],
  );
  if (!rows.some((r) => r.rolname === appRole)) return [`role ${appRole} does not exist`];
  return rows.flatMap((r) => [
    ...(r.rolsuper ? [`${r.rolname} is superuser`] : []),
    ...(r.rolbypassrls ? [`${r.rolname} bypasses RLS`] : []),
  ]);
}

/** Objects the app role owns, itself or through a role it is a member of (owners may lift RLS). */
async function ownershipViolations(c: ClientBase, appRole: string): Promise<string[]> {
  const { rows } = await c.query<{ what: string }>(
    `select 'relation ' || c.oid::regclass::text || ' owned by ' || c.relowner::regrole::text as what
       from pg_class c where pg_has_role($1, c.relowner, 'MEMBER')
     union all
     select 'schema ' || n.nspname || ' owned by ' || n.nspowner::regrole::text
       from pg_namespace n where pg_has_role($1, n.nspowner, 'MEMBER')
     union all
     select 'function ' || p.oid::regprocedure::text || ' owned by ' || p.proowner::regrole::text
       from pg_proc p where pg_has_role($1, p.proowner, 'MEMBER')
     union all
     select 'type ' || t.oid::regtype::text || ' owned by ' || t.typowner::regrole::text
       from pg_type t where pg_has_role($1, t.typowner, 'MEMBER')
     union all
     select 'database ' || d.datname from pg_database d
      where d.datname = current_database() and pg_has_role($1, d.datdba, 'MEMBER')`,
    [appRole],
  );
  return rows.map((r) => r.what);
}

/** Places the app role could create objects (which it would then own). */
async function createPrivilegeViolations(c: ClientBase, appRole: string): Promise<string[]> {
  const { rows } = await c.query<{ what: string }>(
    `select 'schema ' || nspname as what from pg_namespace where has_schema_privilege($1, oid, 'CREATE')
     union all
     select 'database ' || current_database() where has_database_privilege($1, current_database(), 'CREATE')`,
    [appRole],
  );
  return rows.map((r) => r.what);
}

async function viewViolations(c: ClientBase): Promise<string[]> {
  const { rows } = await c.query<{ view: string }>(
    `select c.oid::regclass::text as view
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'v' and n.nspname = any($1::text[])
        and not exists (
          select 1 from unnest(coalesce(c.reloptions, '{}'::text[])) o
           where lower(o) in ('security_invoker=true', 'security_invoker=on', 'security_invoker=1'))`,
    [PROJECT_SCHEMAS],
  );
  return rows.map((r) => `${r.view} lacks security_invoker=true`);
}

async function securityDefinerViolations(c: ClientBase, appRole: string): Promise<string[]> {
  const { rows } = await c.query<{ fn: string }>(
    `select p.oid::regprocedure::text as fn
       from pg_proc p
      where p.prosecdef
        and has_function_privilege($1, p.oid, 'EXECUTE')
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}'::text[])) s where s like 'search_path=%')`,
    [appRole],
  );
  return rows.map((r) => `${r.fn} is SECURITY DEFINER without a pinned search_path`);
}

/** Table privileges the app role holds on the audit log (any column counts) and on its partitions. */
async function auditLogPrivileges(
  c: ClientBase,
  appRole: string,
): Promise<{ parent: string[]; partitions: string[] }> {
  const parent = await c.query<{ privilege: string }>(
    `select p as privilege from unnest($2::text[]) p
      where has_table_privilege($1, 'compliance.audit_log', p)
         or (p in ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
             and has_any_column_privilege($1, 'compliance.audit_log', p))`,
    [appRole, TABLE_PRIVILEGES],
  );
  const partitions = await c.query<{ partition: string }>(
    `select i.inhrelid::regclass::text as partition
       from pg_inherits i
      where i.inhparent = 'compliance.audit_log'::regclass
        and (has_table_privilege($1, i.inhrelid, $2) or has_any_column_privilege($1, i.inhrelid, $3))`,
    [appRole, TABLE_PRIVILEGES.join(', '), 'SELECT, INSERT, UPDATE, REFERENCES'],
  );
  return {
    parent: parent.rows.map((r) => r.privilege),
    partitions: partitions.rows.map((r) => r.partition),
  };
}

/** Runs `ddl` as the admin in a transaction that is always rolled back, then inspects the result. */
async function withCanary<T>(admin: Client, ddl: string, inspect: () => Promise<T>): Promise<T> {
  await admin.query('begin');
  try {
    await admin.query(ddl);
    return await inspect();
  } finally {
    await admin.query('rollback');
  }
}

describe('tenancy catalog', () => {
  let db: TestDatabase;
  let admin: Client;
  let appRole: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    admin = await connect(db.adminUrl);
    appRole = roleOf(db.appUrl);
  });

  afterAll(async () => {
    await admin?.end();
    await db?.drop();
  });

  describe('tenant tables', () => {
    it('classifies the outbox, the audit log and every audit partition as tenant tables', async () => {
      const { tenant } = await classifyTables(admin);

      const names = tenant.map((t) => t.name);
      expect(names).toEqual(
        expect.arrayContaining(['platform.outbox', 'compliance.audit_log', 'compliance.audit_log_default']),
      );
      expect(names.filter((n) => /^compliance\.audit_log_\d{4}_\d{2}$/.test(n)).length).toBeGreaterThan(0);
    });

    it('leaves exactly the allow-listed directory tables in platform without tenancy', async () => {
      const { directory } = await classifyTables(admin);

      expect(directory.sort()).toEqual(PLATFORM_DIRECTORY);
    });

    it('flags a new platform table that is neither allow-listed nor a tenant table', async () => {
      const directory = await withCanary(
        admin,
        'create table platform.tenancy_canary (id uuid primary key)',
        async () => (await classifyTables(admin)).directory,
      );

      expect(directory).toContain('tenancy_canary');
    });

    it('enables and forces RLS with the property isolation policy on every tenant table', async () => {
      const { tenant } = await classifyTables(admin);

      expect(await policyViolations(admin, tenant)).toEqual([]);
    });

    it('isolates every organization table by organization with the same policy shape', async () => {
      const { organization } = await classifyTables(admin);

      expect(organization.map((t) => t.name)).toEqual(ORGANIZATION_TABLES);
      expect(
        await policyViolations(admin, organization, {
          suffix: 'organization',
          expression: ORGANIZATION_POLICY_EXPRESSION,
        }),
      ).toEqual([]);
    });

    it.each([
      [
        'a tenant table has no policy',
        'create table guest.tenancy_canary (property_id uuid not null, id uuid not null, primary key (property_id, id))',
        'guest.tenancy_canary: no policy tenancy_canary_property_isolation',
      ],
      [
        'RLS is not forced',
        'alter table platform.outbox no force row level security',
        'platform.outbox: row level security is not forced',
      ],
      [
        'another permissive policy widens access',
        'create policy tenancy_canary on compliance.audit_log_default using (true)',
        'compliance.audit_log_default: extra permissive policy tenancy_canary',
      ],
      [
        'a partition of the audit log lacks RLS',
        `create table compliance.audit_log_2001_01 partition of compliance.audit_log
           for values from ('2001-01-01') to ('2001-02-01')`,
        'compliance.audit_log_2001_01: row level security is not enabled',
      ],
    ])('reports a violation when %s', async (_case, ddl, expected) => {
      const violations = await withCanary(admin, ddl, async () =>
        policyViolations(admin, (await classifyTables(admin)).tenant),
      );

      expect(violations).toContain(expected);
    });

    it('declares property_id uuid NOT NULL on every tenant table', async () => {
      const { tenant } = await classifyTables(admin);

      expect(propertyColumnViolations(tenant)).toEqual([]);
    });

    it('reports a violation when a tenant table has no property_id', async () => {
      const violations = await withCanary(
        admin,
        'create table knowledge.tenancy_canary (id uuid)',
        async () => propertyColumnViolations((await classifyTables(admin)).tenant),
      );

      expect(violations).toContain('knowledge.tenancy_canary: no property_id column');
    });

    it('leads at least one index and every unique index with property_id', async () => {
      const { tenant } = await classifyTables(admin);

      expect(await indexViolations(admin, tenant)).toEqual([]);
    });

    it('reports a violation when a unique index on a tenant table omits property_id', async () => {
      const violations = await withCanary(
        admin,
        'create unique index tenancy_canary_key on platform.outbox (id)',
        async () => indexViolations(admin, (await classifyTables(admin)).tenant),
      );

      expect(violations).toContain(
        'platform.outbox: unique index tenancy_canary_key does not lead with property_id',
      );
    });

    it('pairs property_id in every foreign key between tenant tables', async () => {
      const { tenant } = await classifyTables(admin);

      expect(await foreignKeyViolations(admin, tenant)).toEqual([]);
    });

    it('reports a violation when a foreign key between tenant tables omits property_id', async () => {
      const violations = await withCanary(
        admin,
        `create table operations.tenancy_parent (property_id uuid not null, id uuid not null,
           primary key (property_id, id), unique (id));
         create table operations.tenancy_child (property_id uuid not null, id uuid not null, parent_id uuid,
           primary key (property_id, id),
           constraint tenancy_child_parent_fkey foreign key (parent_id) references operations.tenancy_parent (id));`,
        async () => foreignKeyViolations(admin, (await classifyTables(admin)).tenant),
      );

      expect(violations).toEqual([
        'operations.tenancy_child -> operations.tenancy_parent: tenancy_child_parent_fkey does not pair property_id',
      ]);
    });
  });

  describe('app role', () => {
    it('is not a superuser and bypasses RLS through no role it belongs to', async () => {
      expect(appRole).toBe('butler_app');
      expect(await roleAttributeViolations(admin, appRole)).toEqual([]);
    });

    it('owns no relation, schema, function, type or the database, itself or through a role', async () => {
      expect(await ownershipViolations(admin, appRole)).toEqual([]);
    });

    it('reports a violation when a role the app belongs to owns a table', async () => {
      const violations = await withCanary(admin, 'alter table platform.outbox owner to butler_runtime', () =>
        ownershipViolations(admin, appRole),
      );

      expect(violations).toContain('relation platform.outbox owned by butler_runtime');
    });

    it('cannot create objects in any schema or in the database', async () => {
      expect(await createPrivilegeViolations(admin, appRole)).toEqual([]);
    });
  });

  describe('views', () => {
    it('has no view in a project schema without security_invoker=true', async () => {
      expect(await viewViolations(admin)).toEqual([]);
    });

    it('reports a view without security_invoker and accepts one with it', async () => {
      const violations = await withCanary(
        admin,
        `create view platform.tenancy_canary_definer as select id from platform.outbox;
         create view platform.tenancy_canary_invoker with (security_invoker = true) as select id from platform.outbox;`,
        () => viewViolations(admin),
      );

      expect(violations).toEqual(['platform.tenancy_canary_definer lacks security_invoker=true']);
    });
  });

  describe('security definer functions', () => {
    it('pins search_path on every SECURITY DEFINER function the app role can execute', async () => {
      expect(await securityDefinerViolations(admin, appRole)).toEqual([]);
    });

    it('reports an executable SECURITY DEFINER function without a pinned search_path', async () => {
      const violations = await withCanary(
        admin,
        `create function platform.tenancy_canary() returns integer language sql security definer as 'select 1';
         grant execute on function platform.tenancy_canary() to butler_runtime;`,
        () => securityDefinerViolations(admin, appRole),
      );

      expect(violations).toEqual([
        'platform.tenancy_canary() is SECURITY DEFINER without a pinned search_path',
      ]);
    });
  });

  describe('compliance.audit_log', () => {
    it('grants the app role only SELECT and INSERT, and nothing on the partitions', async () => {
      const privileges = await auditLogPrivileges(admin, appRole);

      expect(privileges.parent.sort()).toEqual(['INSERT', 'SELECT']);
      expect(privileges.partitions).toEqual([]);
    });

    it('reports an extra privilege on the audit log or one of its partitions', async () => {
      const privileges = await withCanary(
        admin,
        `grant update (action) on compliance.audit_log to butler_runtime;
         grant select on compliance.audit_log_default to butler_runtime;`,
        () => auditLogPrivileges(admin, appRole),
      );

      expect(privileges.parent.sort()).toEqual(['INSERT', 'SELECT', 'UPDATE']);
      expect(privileges.partitions).toEqual(['compliance.audit_log_default']);
    });

    it('refuses UPDATE, DELETE and TRUNCATE by the app role inside a property context', async () => {
      const [property] = await seedProperties(db.ownerUrl, 1, { outbox: 0, audit: 2 });
      const app = await connect(db.appUrl);
      try {
        const outcome = await inProperty(app, property.propertyId, async () => ({
          visible: (await app.query('select id from compliance.audit_log')).rowCount,
          insert: await attempt(
            app,
            `insert into compliance.audit_log (property_id, actor_type, action, resource_type)
             values (platform.current_property_id(), 'system', 'tenancy.check', 'test')`,
          ),
          update: await attempt(app, `update compliance.audit_log set action = 'tampered'`),
          delete: await attempt(app, 'delete from compliance.audit_log'),
          truncate: await attempt(app, 'truncate compliance.audit_log'),
          partition: await attempt(app, 'delete from compliance.audit_log_default'),
        }));

        expect(outcome).toEqual({
          visible: 2,
          insert: null,
          update: INSUFFICIENT_PRIVILEGE,
          delete: INSUFFICIENT_PRIVILEGE,
          truncate: INSUFFICIENT_PRIVILEGE,
          partition: INSUFFICIENT_PRIVILEGE,
        });
      } finally {
        await app.end();
      }
    });
  });
});
