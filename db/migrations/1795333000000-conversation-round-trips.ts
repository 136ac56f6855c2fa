import { type MigrationInterface, type QueryRunner } from 'typeorm';

const OPEN = `conversation.lock_open_conversation(uuid, uuid, text)`;
const RESULT = `conversation.record_send_result_scoped(uuid, uuid, uuid, uuid, text, text, text)`;

/**
 * Two more round trips saved per guest message.
 *
 * - `conversation.lock_open_conversation`: takes the lock that keeps one open conversation per
 *   address and channel account, then returns that open conversation (locked for update), if any.
 *   The read is its own statement after the lock, so it sees a conversation that a holder of the
 *   lock committed meanwhile. In the caller's property transaction.
 * - `conversation.record_send_result_scoped`: `record_send_result` as a statement that is its own
 *   transaction and scopes itself to the property (transaction-local set_config, as
 *   receive_inbound), for a send job whose outcome needs nothing else in that transaction. Refuses
 *   to run inside a transaction that is already scoped, whose property it would change.
 *
 * Both are SECURITY INVOKER: row-level security applies as the app role.
 */
export class ConversationRoundTrips1795333000000 implements MigrationInterface {
  name = 'ConversationRoundTrips1795333000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function conversation.lock_open_conversation(p_property uuid, p_account uuid, p_address text)
        returns setof conversation.conversations
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      begin
        perform pg_advisory_xact_lock(hashtextextended(
          'conversation:' || p_property::text || ':' || p_account::text || ':' || p_address, 0));
        return query
          select * from conversation.conversations c
           where c.property_id = p_property and c.channel_account_id = p_account and c.channel_id = p_address
             and c.state in ('new', 'active', 'escalated')
             for update;
      end
      $$;
      revoke all on function ${OPEN} from public;
      grant execute on function ${OPEN} to butler_runtime;

      create function conversation.record_send_result_scoped(
        p_property uuid, p_delivery uuid, p_message uuid, p_account uuid,
        p_status text, p_provider_message_id text, p_error text)
        returns table (message_id uuid, conversation_id uuid, status text)
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      begin
        if coalesce(current_setting('app.property_id', true), '') not in ('', p_property::text) then
          raise exception 'record_send_result_scoped: already scoped to another property';
        end if;
        perform set_config('app.property_id', p_property::text, true), set_config('app.user_id', '', true);
        return query
          select r.message_id, r.conversation_id, r.status
            from conversation.record_send_result(p_property, p_delivery, p_message, p_account,
                                                 p_status, p_provider_message_id, p_error) r;
      end
      $$;
      revoke all on function ${RESULT} from public;
      grant execute on function ${RESULT} to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function if exists ${RESULT}; drop function if exists ${OPEN};`);
  }
}
