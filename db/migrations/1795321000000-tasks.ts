import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The operations context: tasks for hotel departments ("two more towels to 204"), created by
 * staff, by the concierge from a conversation, or by automations.
 */
export class Tasks1795321000000 implements MigrationInterface {
  name = 'Tasks1795321000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table operations.tasks (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        type varchar(50) not null,
        department varchar(50) not null check (department ~ '^[a-z][a-z0-9_]{0,49}$'),
        room_number varchar(20),
        description text not null check (length(btrim(description)) > 0),
        items jsonb not null default '[]'::jsonb check (jsonb_typeof(items) = 'array'),
        priority varchar(10) not null default 'standard' check (priority in ('urgent', 'high', 'standard', 'low')),
        status varchar(12) not null default 'pending'
          check (status in ('pending', 'assigned', 'in_progress', 'completed', 'cancelled')),
        assigned_to uuid,
        source varchar(12) not null default 'manual' check (source in ('manual', 'auto', 'automation')),
        guest_id uuid,
        reservation_id uuid,
        conversation_id uuid,
        message_id uuid,
        external_ref varchar(100),
        due_at timestamptz not null,
        assigned_at timestamptz,
        started_at timestamptz,
        completed_at timestamptz,
        cancelled_at timestamptz,
        notes text,
        completion_notes text,
        version integer not null default 1,
        created_by uuid,
        updated_by uuid,
        deleted_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint tasks_assignee_check check ((status in ('assigned', 'in_progress')) <= (assigned_to is not null)),
        constraint tasks_guest_fkey foreign key (property_id, guest_id) references guest.guests (property_id, id),
        constraint tasks_reservation_fkey foreign key (property_id, reservation_id)
          references reservation.reservations (property_id, id)
      );
      create index tasks_queue_idx on operations.tasks (property_id, department, status, due_at) where deleted_at is null;
      create index tasks_status_idx on operations.tasks (property_id, status, due_at) where deleted_at is null;
      create index tasks_assignee_idx on operations.tasks (property_id, assigned_to, status) where assigned_to is not null;
      create index tasks_completed_idx on operations.tasks (property_id, completed_at) where completed_at is not null;
      create index tasks_guest_idx on operations.tasks (property_id, guest_id) where guest_id is not null;
      create index tasks_reservation_idx on operations.tasks (property_id, reservation_id) where reservation_id is not null;
      create trigger tasks_touch before update on operations.tasks
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('operations.tasks', 'select, insert, update');
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query('drop table if exists operations.tasks');
  }
}
