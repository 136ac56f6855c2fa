import { type MigrationInterface, type QueryRunner } from 'typeorm';

const FN = `conversation.lock_open_conversation_of_message(uuid, uuid)`;

/**
 * `conversation.lock_open_conversation_of_message`: `lock_open_conversation` for the address and
 * channel account of a received message not yet attached, found by the message's id. The inbound
 * job asks for it with its first read of the message (which locks the message row first, as
 * before), so taking the address's lock no longer waits for that read's answer: one round trip
 * less per guest message. Returns nothing for a message already attached or without a sender
 * address (it then takes no lock). SECURITY INVOKER: row-level security applies as the app role.
 */
export class ConversationLockOfMessage1795337000000 implements MigrationInterface {
  name = 'ConversationLockOfMessage1795337000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function conversation.lock_open_conversation_of_message(p_property uuid, p_message uuid)
        returns setof conversation.conversations
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      declare
        v_account uuid;
        v_address text;
      begin
        select m.channel_account_id, m.sender_address into v_account, v_address
          from conversation.messages m
         where m.property_id = p_property and m.id = p_message and m.processed_at is null;
        if v_address is null then
          return;
        end if;
        return query select * from conversation.lock_open_conversation(p_property, v_account, v_address);
      end
      $$;
      revoke all on function ${FN} from public;
      grant execute on function ${FN} to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`drop function ${FN}`);
  }
}
