import { type MigrationInterface, type QueryRunner } from 'typeorm';

const SIGNATURE = `conversation.receive_inbound(text, text, uuid, integer, text, text, text, jsonb, text, jsonb, text, text)`;

/**
 * A received message and its processing job in one statement, for webhooks (one round trip instead
 * of START TRANSACTION, set_config, two inserts and COMMIT). The statement is its own transaction:
 * the function re-reads the route the caller checked the signature under (same account, same
 * version, still enabled), sets the property transaction-locally with set_config, then inserts the
 * message (once per provider id) and, if it is new, its outbox job. SECURITY INVOKER: both inserts
 * are under row-level security as the app role, exactly as through TenantDb; PL/pgSQL also keeps
 * their plans per connection. Not routed (unknown, changed or disabled): routed = false, nothing
 * written. A redelivery: routed = true, id null.
 */
export class InboundIngest1795325000000 implements MigrationInterface {
  name = 'InboundIngest1795325000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
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
      revoke all on function ${SIGNATURE} from public;
      grant execute on function ${SIGNATURE} to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function if exists ${SIGNATURE}`);
  }
}
