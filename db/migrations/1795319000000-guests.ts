import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The guest context: one profile per guest and property, with channel identities (email, phone
 * in E.164), PMS/loyalty ids, stated/learned preferences and stay statistics. Soft-deleted rows
 * keep their history but free their email and phone for a new profile.
 */
export class Guests1795319000000 implements MigrationInterface {
  name = 'Guests1795319000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      do $$
      begin
        if not exists (select 1 from pg_extension where extname = 'btree_gin') then
          raise exception 'extension btree_gin is missing: run npm run db:provision first';
        end if;
      end
      $$;

      create table guest.guests (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        first_name varchar(100) not null default '',
        last_name varchar(100) not null default '',
        email varchar(254) check (email = lower(email) and position('@' in email) > 1),
        phone varchar(16) check (phone ~ '^\\+[1-9][0-9]{6,14}$'),
        language varchar(10) not null default 'en',
        loyalty_tier varchar(50),
        vip_status varchar(50),
        external_ids jsonb not null default '{}'::jsonb check (jsonb_typeof(external_ids) = 'object'),
        preferences jsonb not null default '[]'::jsonb check (jsonb_typeof(preferences) = 'array'),
        stay_count integer not null default 0 check (stay_count >= 0),
        total_revenue numeric(12, 2) not null default 0,
        last_stay_date date,
        notes text,
        tags varchar(50)[] not null default '{}',
        search tsvector generated always as (
          to_tsvector('simple', first_name || ' ' || last_name || ' ' || coalesce(email, ''))
        ) stored,
        merged_into_id uuid,
        version integer not null default 1,
        created_by uuid,
        updated_by uuid,
        deleted_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id)
      );
      create unique index guests_email_key on guest.guests (property_id, email)
        where deleted_at is null and email is not null;
      create unique index guests_phone_key on guest.guests (property_id, phone)
        where deleted_at is null and phone is not null;
      create index guests_name_idx on guest.guests (property_id, last_name, first_name, id) where deleted_at is null;
      create index guests_search_idx on guest.guests using gin (property_id, search);
      create index guests_external_ids_idx on guest.guests using gin (property_id, external_ids jsonb_path_ops);
      create index guests_tags_idx on guest.guests using gin (property_id, tags);
      create trigger guests_touch before update on guest.guests
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('guest.guests', 'select, insert, update');
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists guest.guests');
  }
}
