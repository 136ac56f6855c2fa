import { type MigrationInterface, type QueryRunner } from 'typeorm';

const SIGNATURE = `(
        p_property uuid, p_message uuid, p_channel_message_id text, p_account uuid,
        p_status text, p_set_channel_message_id text, p_error text)
        returns table (id uuid, conversation_id uuid)`;

/** The status rule: never out of failed, and only forward along pending → sent → delivered → read. */
const FORWARD = `coalesce(m.delivery_status, 'pending') <> 'failed'
             and (p_status = 'failed'
                  or array_position(array['pending', 'sent', 'delivered', 'read'], p_status)
                     > array_position(array['pending', 'sent', 'delivered', 'read'],
                                      coalesce(m.delivery_status, 'pending')::text))`;

const SET = `set delivery_status = p_status,
               channel_message_id = coalesce(p_set_channel_message_id, m.channel_message_id),
               delivery_error = case when p_status = 'failed' then p_error else m.delivery_error end`;

/**
 * `conversation.advance_delivery_status` (a send's outcome and every status callback go through
 * it) in PL/pgSQL, one UPDATE per way of finding the message. As a SQL function with its own
 * search_path it could not be inlined, and its one UPDATE, which found the message by id or by
 * the provider's id, was planned at every call (about 0.25 ms of a send's 1.2). Each UPDATE now
 * probes one index and keeps its plan for the connection's life. Same signature, same rule.
 */
export class DeliveryStatusPlans1795336000000 implements MigrationInterface {
  name = 'DeliveryStatusPlans1795336000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create or replace function conversation.advance_delivery_status${SIGNATURE}
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      #variable_conflict use_column
      begin
        if p_message is not null then
          return query
            update conversation.messages m ${SET}
             where m.property_id = p_property and m.id = p_message and m.direction = 'outbound'
               and ${FORWARD}
            returning m.id, m.conversation_id;
        elsif p_channel_message_id is not null then
          return query
            update conversation.messages m ${SET}
             where m.property_id = p_property and m.channel_account_id = p_account
               and m.channel_message_id = p_channel_message_id and m.direction = 'outbound'
               and ${FORWARD}
            returning m.id, m.conversation_id;
        end if;
      end
      $$;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      create or replace function conversation.advance_delivery_status${SIGNATURE}
        language sql security invoker
        set search_path = pg_catalog
      as $$
        update conversation.messages m
           ${SET}
         where m.property_id = p_property and m.direction = 'outbound'
           and ((p_message is not null and m.id = p_message)
                or (p_channel_message_id is not null and m.channel_message_id = p_channel_message_id
                    and m.channel_account_id = p_account))
           and ${FORWARD}
        returning m.id, m.conversation_id
      $$;
    `);
  }
}
