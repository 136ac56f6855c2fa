import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * PMS sync: guests are found by their PMS id (`external_ids->>'pms'`, unique per property) and
 * remember the PMS's own `updatedAt`, like reservations do, so an older update never overwrites a
 * newer one. A property's webhook secret is stored sealed (AES-256-GCM with the application's data
 * key); received webhook events are remembered by id so a redelivery has no second effect.
 */
export class PmsSync1795322000000 implements MigrationInterface {
  name = 'PmsSync1795322000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- The PMS id as a plain column (kept from external_ids by PostgreSQL): its own statistics
      -- let the planner see it is unique, so batch lookups stay index lookups.
      alter table guest.guests
        add column pms_id text generated always as (external_ids ->> 'pms') stored,
        add column pms_updated_at timestamptz;
      create unique index guests_pms_id_key on guest.guests (property_id, pms_id)
        where deleted_at is null and pms_id is not null;
      -- A stay counts on the guest's profile once, however often the PMS moves it in and out of
      -- checked_out.
      alter table reservation.reservations add column stay_counted boolean not null default false;

      create table reservation.pms_connections (
        property_id uuid not null primary key,
        webhook_secret text not null,
        previous_webhook_secret text,
        previous_valid_until timestamptz,
        rotated_at timestamptz not null default now(),
        last_event_at timestamptz,
        created_by uuid,
        updated_by uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint pms_connections_previous_check
          check ((previous_webhook_secret is null) = (previous_valid_until is null))
      );
      create trigger pms_connections_touch before update on reservation.pms_connections
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('reservation.pms_connections', 'select, insert, update, delete');

      create table reservation.pms_webhook_events (
        property_id uuid not null,
        event_id varchar(200) not null,
        type varchar(40) not null,
        outcome varchar(20) not null,
        received_at timestamptz not null default now(),
        primary key (property_id, event_id)
      );
      create index pms_webhook_events_received_idx on reservation.pms_webhook_events (property_id, received_at);
      select platform.apply_tenant_policy('reservation.pms_webhook_events', 'select, insert, update, delete');

      -- A bulk import grows these tables faster than autovacuum re-analyzes them, and plans made on
      -- stale statistics (a property "holding one row") scan a whole property per lookup. The app
      -- role owns nothing, so it refreshes them through this owner-run function between batches.
      create function platform.refresh_sync_statistics() returns void
        language plpgsql
        security definer
        set search_path = pg_catalog, pg_temp
      as $$
      begin
        analyze guest.guests;
        analyze reservation.reservations;
      end
      $$;
      revoke all on function platform.refresh_sync_statistics() from public;
      grant execute on function platform.refresh_sync_statistics() to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function if exists platform.refresh_sync_statistics();
      drop table if exists reservation.pms_webhook_events;
      drop table if exists reservation.pms_connections;
      drop index if exists guest.guests_pms_id_key;
      alter table reservation.reservations drop column if exists stay_counted;
      alter table guest.guests drop column if exists pms_updated_at, drop column if exists pms_id;
    `);
  }
}
