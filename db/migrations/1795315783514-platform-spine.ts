import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The platform spine: extensions check, schemas, tenancy helpers, organizations, properties,
 * users, memberships, refresh tokens, the transactional outbox and the audit log.
 * Runs as the owner role; `butler_runtime` (granted to the app login role) must exist
 * (created by db/scripts/provision.ts).
 */
export class PlatformSpine1795315783514 implements MigrationInterface {
  name = 'PlatformSpine1795315783514';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(PRECONDITIONS);
    await q.query(SCHEMAS);
    await q.query(TENANCY_HELPERS);
    await q.query(PLATFORM_TABLES);
    await q.query(OUTBOX);
    await q.query(AUDIT_LOG);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table if exists compliance.audit_log cascade;
      drop function if exists compliance.ensure_audit_log_partitions(integer);
      drop table if exists platform.outbox cascade;
      drop function if exists platform.notify_outbox();
      drop table if exists platform.refresh_tokens cascade;
      drop table if exists platform.memberships cascade;
      drop table if exists platform.users cascade;
      drop table if exists platform.properties cascade;
      drop table if exists platform.organizations cascade;
      drop function if exists platform.touch_updated_at();
      drop function if exists platform.apply_tenant_policy(regclass, text);
      drop function if exists platform.uuid_v7();
      drop function if exists platform.current_property_id();
      drop schema if exists compliance cascade;
      drop schema if exists knowledge cascade;
      drop schema if exists operations cascade;
      drop schema if exists conversation cascade;
      drop schema if exists reservation cascade;
      drop schema if exists guest cascade;
      drop schema if exists platform cascade;
    `);
  }
}

const PRECONDITIONS = `
do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'butler_runtime') then
    raise exception 'role butler_runtime is missing: run npm run db:provision first';
  end if;
  if not exists (select 1 from pg_extension where extname = 'vector') then
    raise exception 'extension vector is missing: run npm run db:provision first';
  end if;
  if not exists (select 1 from pg_extension where extname = 'pgcrypto') then
    raise exception 'extension pgcrypto is missing: run npm run db:provision first';
  end if;
end
$$;
`;

const SCHEMAS = `
create schema platform;
create schema guest;
create schema reservation;
create schema conversation;
create schema operations;
create schema knowledge;
create schema compliance;
grant usage on schema platform, guest, reservation, conversation, operations, knowledge, compliance
  to butler_runtime;
`;

const TENANCY_HELPERS = `
-- Tenancy helpers. Applied by the first migration; every later table-creating migration calls
-- platform.apply_tenant_policy() right after CREATE TABLE.

-- The property of the current transaction, or NULL (fail closed) when none is set. After a
-- transaction-local set_config ends, the setting reads back as '' rather than NULL: hence nullif.
-- Deliberately without SET search_path (everything is schema-qualified) so the planner can inline
-- it into policies and use property_id indexes.
create or replace function platform.current_property_id() returns uuid
  language sql stable parallel safe
as $$ select nullif(pg_catalog.current_setting('app.property_id', true), '')::pg_catalog.uuid $$;

-- Time-ordered UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, random rest.
create or replace function platform.uuid_v7() returns uuid
  language sql volatile parallel safe
  set search_path = pg_catalog
as $$
  select encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
              placing substring(int8send((extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
              from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;

-- ENABLE + FORCE row-level security, one policy on the property function, and the runtime
-- role's grants. \`privileges\` = '' grants nothing (partitions are reached through their parent).
create or replace function platform.apply_tenant_policy(
  target regclass,
  privileges text default 'select, insert, update, delete'
) returns void
  language plpgsql
  set search_path = pg_catalog
as $$
declare
  rel record;
  policy_name text;
begin
  select c.relname, n.nspname into rel
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.oid = target;
  if not exists (
    select 1 from pg_attribute
     where attrelid = target and attname = 'property_id' and attnotnull and not attisdropped
  ) then
    raise exception 'tenant table % needs property_id uuid not null', target;
  end if;
  policy_name := rel.relname || '_property_isolation';
  execute format('alter table %s enable row level security', target);
  execute format('alter table %s force row level security', target);
  execute format('drop policy if exists %I on %s', policy_name, target);
  execute format(
    'create policy %I on %s as permissive for all to public '
    'using (property_id = platform.current_property_id()) '
    'with check (property_id = platform.current_property_id())',
    policy_name, target);
  execute format('revoke all on %s from butler_runtime', target);
  if coalesce(privileges, '') <> '' then
    execute format('grant %s on %s to butler_runtime', privileges, target);
  end if;
end
$$;

revoke all on function platform.apply_tenant_policy(regclass, text) from public;
revoke all on function platform.uuid_v7() from public;
revoke all on function platform.current_property_id() from public;
grant execute on function platform.uuid_v7() to butler_runtime;
grant execute on function platform.current_property_id() to butler_runtime;

create or replace function platform.touch_updated_at() returns trigger
  language plpgsql
  set search_path = pg_catalog
as $$ begin new.updated_at := pg_catalog.now(); return new; end $$;
`;

// Platform-level tables: the directory of organizations, properties and staff. They are read
// before any property context exists (login, membership checks, webhook routing), so they are
// not tenant tables; the catalog test lists them explicitly.
const PLATFORM_TABLES = `
create table platform.organizations (
  id uuid primary key default platform.uuid_v7(),
  name varchar(200) not null check (length(btrim(name)) > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table platform.properties (
  id uuid primary key default platform.uuid_v7(),
  organization_id uuid not null references platform.organizations (id),
  name varchar(200) not null check (length(btrim(name)) > 0),
  code varchar(50) not null check (code ~ '^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$'),
  timezone varchar(64) not null default 'UTC',
  settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint properties_code_key unique (code)
);
create index properties_organization_idx on platform.properties (organization_id, id);

create table platform.users (
  id uuid primary key default platform.uuid_v7(),
  email varchar(254) not null check (email = lower(email) and position('@' in email) > 1),
  name varchar(200) not null check (length(btrim(name)) > 0),
  password_hash text not null,
  is_active boolean not null default true,
  last_login_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_key unique (email)
);

-- Organization-wide roles (owner, admin) have no property; property roles have one.
create table platform.memberships (
  id uuid primary key default platform.uuid_v7(),
  user_id uuid not null references platform.users (id),
  organization_id uuid not null references platform.organizations (id),
  property_id uuid references platform.properties (id),
  role varchar(20) not null
    check (role in ('owner', 'admin', 'manager', 'front_desk', 'concierge', 'housekeeping', 'maintenance')),
  department varchar(50),
  is_active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint memberships_scope_check check (
    (role in ('owner', 'admin') and property_id is null)
    or (role not in ('owner', 'admin') and property_id is not null)
  )
);
create unique index memberships_org_role_key on platform.memberships (user_id, organization_id)
  where property_id is null;
create unique index memberships_property_key on platform.memberships (user_id, property_id)
  where property_id is not null;
create index memberships_property_idx on platform.memberships (property_id) where property_id is not null;
create index memberships_organization_idx on platform.memberships (organization_id);

-- Refresh tokens rotate on every use; only a SHA-256 of the secret part is stored. A family
-- is one login session: reuse of a rotated token revokes the whole family.
create table platform.refresh_tokens (
  id uuid primary key default platform.uuid_v7(),
  family_id uuid not null,
  user_id uuid not null references platform.users (id),
  token_hash bytea not null,
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  revoked_reason varchar(40),
  created_ip inet,
  user_agent text,
  created_at timestamptz not null default now()
);
create index refresh_tokens_family_idx on platform.refresh_tokens (family_id);
create index refresh_tokens_user_idx on platform.refresh_tokens (user_id) where revoked_at is null;

create trigger organizations_touch before update on platform.organizations
  for each row execute function platform.touch_updated_at();
create trigger properties_touch before update on platform.properties
  for each row execute function platform.touch_updated_at();
create trigger users_touch before update on platform.users
  for each row execute function platform.touch_updated_at();
create trigger memberships_touch before update on platform.memberships
  for each row execute function platform.touch_updated_at();

grant select, insert, update on platform.organizations, platform.properties, platform.users,
  platform.memberships, platform.refresh_tokens to butler_runtime;
grant delete on platform.refresh_tokens to butler_runtime; -- pruning of expired sessions
`;

// Transactional outbox: a tenant table. Rows are written in the same transaction as the business
// rows; the relay (worker) publishes them to BullMQ with jobId = outbox id. A NOTIFY at commit
// wakes the relay for that property; a periodic sweep catches anything a relay restart missed.
const OUTBOX = `
create table platform.outbox (
  id uuid not null default platform.uuid_v7(),
  property_id uuid not null references platform.properties (id),
  queue varchar(40) not null,
  job_name varchar(80) not null,
  payload jsonb not null,
  status varchar(12) not null default 'pending' check (status in ('pending', 'published')),
  publish_attempts integer not null default 0,
  last_error text,
  created_at timestamptz not null default now(),
  published_at timestamptz,
  primary key (property_id, id)
);
create index outbox_pending_idx on platform.outbox (property_id, id) where status = 'pending';
create index outbox_published_idx on platform.outbox (property_id, published_at) where status = 'published';
select platform.apply_tenant_policy('platform.outbox', 'select, insert, update, delete');

create function platform.notify_outbox() returns trigger
  language plpgsql
  set search_path = pg_catalog
as $$
begin
  perform pg_notify('butler_outbox', new.property_id::text);
  return null;
end
$$;
create trigger outbox_notify after insert on platform.outbox
  for each row execute function platform.notify_outbox();
`;

// Audit log, partitioned by month. The runtime role may only INSERT and SELECT it.
// A SECURITY DEFINER function with a pinned search_path creates future partitions; the
// maintenance queue calls it daily, and the default partition catches anything else.
const AUDIT_LOG = `
create table compliance.audit_log (
  id uuid not null default platform.uuid_v7(),
  property_id uuid not null,
  actor_type varchar(20) not null check (actor_type in ('staff', 'system', 'guest')),
  actor_id uuid,
  action varchar(80) not null,
  resource_type varchar(50) not null,
  resource_id uuid,
  details jsonb,
  ip_address inet,
  user_agent text,
  correlation_id varchar(128),
  created_at timestamptz not null default now(),
  primary key (property_id, created_at, id)
) partition by range (created_at);
create index audit_log_actor_idx on compliance.audit_log (property_id, actor_type, actor_id, created_at);
create index audit_log_action_idx on compliance.audit_log (property_id, action, created_at);
create index audit_log_resource_idx on compliance.audit_log (property_id, resource_type, resource_id);
select platform.apply_tenant_policy('compliance.audit_log', 'select, insert');

create table compliance.audit_log_default partition of compliance.audit_log default;
select platform.apply_tenant_policy('compliance.audit_log_default', '');

create function compliance.ensure_audit_log_partitions(months_ahead integer default 3) returns integer
  language plpgsql
  security definer
  set search_path = pg_catalog, pg_temp
as $$
declare
  month_start date := date_trunc('month', now())::date;
  part_start date;
  part_end date;
  part_name text;
  created integer := 0;
begin
  if months_ahead < 0 or months_ahead > 24 then
    raise exception 'months_ahead must be between 0 and 24';
  end if;
  for i in 0..months_ahead loop
    part_start := (month_start + make_interval(months => i))::date;
    part_end := (part_start + interval '1 month')::date;
    part_name := 'audit_log_' || to_char(part_start, 'YYYY_MM');
    if to_regclass('compliance.' || part_name) is not null then
      continue;
    end if;
    -- Rows already in the default partition for this month would block the new partition: move
    -- them. Row security is lifted for this transaction only; ALTER TABLE holds an exclusive lock,
    -- so no other session ever sees the tables without FORCE.
    alter table compliance.audit_log no force row level security;
    alter table compliance.audit_log_default no force row level security;
    create temporary table audit_log_moving on commit drop as
      select * from compliance.audit_log_default where created_at >= part_start and created_at < part_end;
    delete from compliance.audit_log_default where created_at >= part_start and created_at < part_end;
    execute format(
      'create table compliance.%I partition of compliance.audit_log for values from (%L) to (%L)',
      part_name, part_start, part_end);
    perform platform.apply_tenant_policy(format('compliance.%I', part_name)::regclass, '');
    insert into compliance.audit_log select * from audit_log_moving;
    drop table audit_log_moving;
    alter table compliance.audit_log force row level security;
    alter table compliance.audit_log_default force row level security;
    created := created + 1;
  end loop;
  return created;
end
$$;
revoke all on function compliance.ensure_audit_log_partitions(integer) from public;
grant execute on function compliance.ensure_audit_log_partitions(integer) to butler_runtime;
select compliance.ensure_audit_log_partitions(3);
`;
