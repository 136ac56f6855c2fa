import { type MigrationInterface, type QueryRunner } from 'typeorm';

const DONE = 'platform.outbox_done(uuid, uuid[])';

/**
 * Outbox rows a worker runs itself, right after the transaction that wrote them commits (the send
 * of a reply it just wrote), instead of through the relay and BullMQ.
 *
 * - `available_at`: a held row is the safety net of that run. The relay leaves it alone until
 *   then (and its insert wakes no relay); should the worker die before it has dealt with the row,
 *   the relay's sweep publishes it once the hold is over. Null: available at once, as before.
 * - `platform.outbox_done(property, ids)`: marks rows the worker dealt with as published, in one
 *   statement that scopes itself to the property (SECURITY INVOKER: row-level security applies to
 *   the app role as everywhere).
 */
export class OutboxHold1795330000000 implements MigrationInterface {
  name = 'OutboxHold1795330000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table platform.outbox add column available_at timestamptz;

      create or replace function platform.notify_outbox() returns trigger
        language plpgsql
        set search_path = pg_catalog
      as $$
      begin
        if new.available_at is null or new.available_at <= now() then
          perform pg_notify('butler_outbox', new.property_id::text);
        end if;
        return null;
      end
      $$;

      create function ${DONE.replace('(uuid, uuid[])', '(p_property uuid, p_ids uuid[])')} returns integer
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      declare
        v_count integer;
      begin
        perform set_config('app.property_id', p_property::text, true);
        update platform.outbox o
           set status = 'published', published_at = now(), publish_attempts = o.publish_attempts + 1
         where o.property_id = p_property and o.id = any(p_ids) and o.status = 'pending';
        get diagnostics v_count = row_count;
        return v_count;
      end
      $$;
      revoke all on function ${DONE} from public;
      grant execute on function ${DONE} to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function if exists ${DONE};
      create or replace function platform.notify_outbox() returns trigger
        language plpgsql
        set search_path = pg_catalog
      as $$
      begin
        perform pg_notify('butler_outbox', new.property_id::text);
        return null;
      end
      $$;
      alter table platform.outbox drop column if exists available_at;
    `);
  }
}
