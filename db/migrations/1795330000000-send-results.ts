import { type MigrationInterface, type QueryRunner } from 'typeorm';

const ADVANCE = `conversation.advance_delivery_status(uuid, uuid, text, uuid, text, text, text)`;
const RECORD = `conversation.record_send_result(uuid, uuid, uuid, uuid, text, text, text)`;

/**
 * A send's answer recorded in one round trip instead of four.
 *
 * - `conversation.advance_delivery_status`: the one place the rule of a message's delivery status
 *   lives. It moves forward only (pending < sent < delivered < read); `failed` always wins and is
 *   final. The message is named by id, or by its provider id under a channel account (a status
 *   callback). Returns the message changed, if any. Status callbacks and the send's answer both
 *   use it.
 * - `conversation.record_send_result`: the delivery's outcome, then the message's status. For
 *   `sent` it takes the lock status callbacks take on the provider id, records the id and applies,
 *   in status order, the callbacks parked for it before the id was known. Each statement reads
 *   after the lock (PL/pgSQL takes a snapshot per statement), so a callback that committed while
 *   this waited is seen. Returns every status the message moved to, in order, for the caller's
 *   `message.status` events.
 *
 * Both are SECURITY INVOKER and run in the caller's property transaction, under row-level
 * security as the app role.
 */
export class SendResults1795330000000 implements MigrationInterface {
  name = 'SendResults1795330000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function conversation.advance_delivery_status(
        p_property uuid, p_message uuid, p_channel_message_id text, p_account uuid,
        p_status text, p_set_channel_message_id text, p_error text)
        returns table (id uuid, conversation_id uuid)
        language sql security invoker
        set search_path = pg_catalog
      as $$
        update conversation.messages m
           set delivery_status = p_status,
               channel_message_id = coalesce(p_set_channel_message_id, m.channel_message_id),
               delivery_error = case when p_status = 'failed' then p_error else m.delivery_error end
         where m.property_id = p_property and m.direction = 'outbound'
           and ((p_message is not null and m.id = p_message)
                or (p_channel_message_id is not null and m.channel_message_id = p_channel_message_id
                    and m.channel_account_id = p_account))
           and coalesce(m.delivery_status, 'pending') <> 'failed'
           and (p_status = 'failed'
                or array_position(array['pending', 'sent', 'delivered', 'read'], p_status)
                   > array_position(array['pending', 'sent', 'delivered', 'read'],
                                    coalesce(m.delivery_status, 'pending')::text))
        returning m.id, m.conversation_id
      $$;
      revoke all on function ${ADVANCE} from public;
      grant execute on function ${ADVANCE} to butler_runtime;

      create function conversation.record_send_result(
        p_property uuid, p_delivery uuid, p_message uuid, p_account uuid,
        p_status text, p_provider_message_id text, p_error text)
        returns table (message_id uuid, conversation_id uuid, status text)
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      declare
        v_parked record;
        v_changed record;
        v_taken jsonb;
      begin
        if p_status not in ('sent', 'failed') then
          raise exception 'record_send_result: status % is not an outcome', p_status;
        end if;
        if p_status = 'sent' and p_provider_message_id is null then
          raise exception 'record_send_result: a sent message needs its provider id';
        end if;
        update conversation.deliveries d
           set status = p_status, provider_message_id = coalesce(p_provider_message_id, d.provider_message_id),
               last_error = p_error
         where d.property_id = p_property and d.id = p_delivery;
        if p_status = 'failed' then
          for v_changed in
            select * from conversation.advance_delivery_status(p_property, p_message, null, null, 'failed', null, p_error)
          loop
            message_id := v_changed.id; conversation_id := v_changed.conversation_id; status := 'failed';
            return next;
          end loop;
          return;
        end if;
        perform pg_advisory_xact_lock(hashtextextended(
          'delivery-status:' || p_account::text || ':' || p_provider_message_id, 0));
        for v_changed in
          select * from conversation.advance_delivery_status(p_property, p_message, null, null, 'sent', p_provider_message_id, null)
        loop
          message_id := v_changed.id; conversation_id := v_changed.conversation_id; status := 'sent';
          return next;
        end loop;
        with taken as (
          delete from conversation.parked_statuses ps
           where ps.property_id = p_property and ps.channel_account_id = p_account
             and ps.channel_message_id = p_provider_message_id
          returning ps.status, ps.error)
        select coalesce(jsonb_agg(jsonb_build_object('status', taken.status, 'error', taken.error)
                                  order by array_position(array['sent', 'delivered', 'read', 'failed'], taken.status::text)),
                        '[]'::jsonb)
          into v_taken from taken;
        for v_parked in
          select t.e ->> 'status' as status, t.e ->> 'error' as error
            from jsonb_array_elements(v_taken) with ordinality as t(e, n)
           order by t.n
        loop
          for v_changed in
            select * from conversation.advance_delivery_status(
              p_property, p_message, null, null, v_parked.status, p_provider_message_id, v_parked.error)
          loop
            message_id := v_changed.id; conversation_id := v_changed.conversation_id; status := v_parked.status;
            return next;
          end loop;
        end loop;
      end
      $$;
      revoke all on function ${RECORD} from public;
      grant execute on function ${RECORD} to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function if exists ${RECORD}; drop function if exists ${ADVANCE};`);
  }
}
