import { type MigrationInterface, type QueryRunner } from 'typeorm';

const OLD_RECEIVE = `conversation.receive_inbound(text, text, uuid, integer, text, text, text, jsonb, text, jsonb, text, text)`;
const RECEIVE = `conversation.receive_inbound(text, text, uuid, integer, text, text, text, jsonb, text, jsonb, text, text, integer)`;

/**
 * Outbox rows published by the process that committed them.
 *
 * `platform.outbox.held_until`: the committing process publishes the row to BullMQ itself right
 * after its commit and marks it published (in batches); until this time the relay leaves it alone.
 * Should that process die or fail to publish, the relay takes the row once the hold has passed
 * (the process releases it at once when it sees its own failure). A row without a hold is the
 * relay's at once, as before, and only such rows NOTIFY the relay.
 *
 * `conversation.receive_inbound` gains the hold (milliseconds; 0: none) and returns the job's
 * outbox id and payload, so the webhook's process can publish it. The signature before stays for
 * the api instances of the release before, during a rolling deploy: no hold, the relay's job.
 */
export class OutboxPublishOnCommit1795332000000 implements MigrationInterface {
  name = 'OutboxPublishOnCommit1795332000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table platform.outbox add column held_until timestamptz;
      drop trigger outbox_notify on platform.outbox;
      create trigger outbox_notify after insert on platform.outbox
        for each row when (new.held_until is null) execute function platform.notify_outbox();

      create function conversation.receive_inbound(
        p_kind text, p_route_key text, p_account_id uuid, p_version integer,
        p_sender text, p_content text, p_content_type text, p_media jsonb, p_message_id text, p_entities jsonb,
        p_queue text, p_job_name text, p_hold_ms integer,
        out routed boolean, out id uuid, out job_id uuid, out job_payload jsonb)
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      declare
        v_property uuid;
      begin
        select r.property_id into v_property from platform.channel_routes r
         where r.kind = p_kind and r.route_key = p_route_key and r.account_id = p_account_id
           and r.version = p_version and r.enabled;
        routed := found;
        if not found then return; end if;
        perform set_config('app.property_id', v_property::text, true), set_config('app.user_id', '', true);
        insert into conversation.messages (property_id, channel_account_id, direction, sender_type, sender_address,
               content, content_type, media, channel_message_id, entities, received_at)
        values (v_property, p_account_id, 'inbound', 'guest', p_sender, p_content, p_content_type, p_media,
               p_message_id, p_entities, now())
        on conflict (property_id, channel_account_id, channel_message_id) where channel_message_id is not null
        do nothing returning messages.id into id;
        if id is not null then
          job_payload := jsonb_build_object('messageId', id::text, 'propertyId', v_property::text);
          insert into platform.outbox (property_id, queue, job_name, payload, held_until)
          values (v_property, p_queue, p_job_name, job_payload,
                  case when p_hold_ms > 0 then now() + make_interval(secs => p_hold_ms / 1000.0) end)
          returning outbox.id into job_id;
        end if;
      end
      $$;
      revoke all on function ${RECEIVE} from public;
      grant execute on function ${RECEIVE} to butler_runtime;

      -- Api instances of the release before keep calling the old signature during a rolling
      -- deploy: it stays, as the new one without a hold (the relay publishes its job as before).
      create or replace function conversation.receive_inbound(
        p_kind text, p_route_key text, p_account_id uuid, p_version integer,
        p_sender text, p_content text, p_content_type text, p_media jsonb, p_message_id text, p_entities jsonb,
        p_queue text, p_job_name text,
        out routed boolean, out id uuid)
        language sql security invoker
        set search_path = pg_catalog
      as $$
        select r.routed, r.id
          from conversation.receive_inbound(p_kind, p_route_key, p_account_id, p_version, p_sender, p_content,
                                            p_content_type, p_media, p_message_id, p_entities, p_queue,
                                            p_job_name, 0) r
      $$;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function if exists ${RECEIVE};
      drop function if exists ${OLD_RECEIVE};
      create function conversation.receive_inbound(
        p_kind text, p_route_key text, p_account_id uuid, p_version integer,
        p_sender text, p_content text, p_content_type text, p_media jsonb, p_message_id text, p_entities jsonb,
        p_queue text, p_job_name text,
        out routed boolean, out id uuid)
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      declare
        v_property uuid;
      begin
        select r.property_id into v_property from platform.channel_routes r
         where r.kind = p_kind and r.route_key = p_route_key and r.account_id = p_account_id
           and r.version = p_version and r.enabled;
        routed := found;
        if not found then return; end if;
        perform set_config('app.property_id', v_property::text, true), set_config('app.user_id', '', true);
        insert into conversation.messages (property_id, channel_account_id, direction, sender_type, sender_address,
               content, content_type, media, channel_message_id, entities, received_at)
        values (v_property, p_account_id, 'inbound', 'guest', p_sender, p_content, p_content_type, p_media,
               p_message_id, p_entities, now())
        on conflict (property_id, channel_account_id, channel_message_id) where channel_message_id is not null
        do nothing returning messages.id into id;
        if id is not null then
          insert into platform.outbox (property_id, queue, job_name, payload)
          values (v_property, p_queue, p_job_name,
                  jsonb_build_object('messageId', id::text, 'propertyId', v_property::text));
        end if;
      end
      $$;
      revoke all on function ${OLD_RECEIVE} from public;
      grant execute on function ${OLD_RECEIVE} to butler_runtime;
      drop trigger outbox_notify on platform.outbox;
      create trigger outbox_notify after insert on platform.outbox
        for each row execute function platform.notify_outbox();
      alter table platform.outbox drop column held_until;
    `);
  }
}
