import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The reservation context: stays synced from the PMS or entered by staff. A reservation points
 * at its guest through a composite foreign key, so it can never name another property's guest.
 */
export class Reservations1795320000000 implements MigrationInterface {
  name = 'Reservations1795320000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table reservation.reservations (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        guest_id uuid not null,
        confirmation_number varchar(50) not null,
        external_id varchar(100),
        room_number varchar(20),
        room_type varchar(50) not null,
        arrival_date date not null,
        departure_date date not null,
        status varchar(20) not null default 'confirmed'
          check (status in ('confirmed', 'checked_in', 'checked_out', 'cancelled', 'no_show')),
        estimated_arrival timestamptz,
        actual_arrival timestamptz,
        estimated_departure timestamptz,
        actual_departure timestamptz,
        rate_code varchar(50),
        total_rate numeric(12, 2) check (total_rate >= 0),
        balance numeric(12, 2) not null default 0,
        special_requests text[] not null default '{}',
        notes jsonb not null default '[]'::jsonb check (jsonb_typeof(notes) = 'array'),
        pms_updated_at timestamptz,
        synced_at timestamptz,
        version integer not null default 1,
        created_by uuid,
        updated_by uuid,
        deleted_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint reservations_dates_check check (departure_date > arrival_date),
        constraint reservations_guest_fkey foreign key (property_id, guest_id)
          references guest.guests (property_id, id)
      );
      create unique index reservations_confirmation_key on reservation.reservations (property_id, confirmation_number)
        where deleted_at is null;
      create unique index reservations_external_key on reservation.reservations (property_id, external_id)
        where deleted_at is null and external_id is not null;
      create index reservations_arrival_idx on reservation.reservations (property_id, arrival_date) where deleted_at is null;
      create index reservations_departure_idx on reservation.reservations (property_id, departure_date) where deleted_at is null;
      create index reservations_guest_idx on reservation.reservations (property_id, guest_id);
      create index reservations_status_idx on reservation.reservations (property_id, status, arrival_date);
      create trigger reservations_touch before update on reservation.reservations
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('reservation.reservations', 'select, insert, update');
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists reservation.reservations');
  }
}
