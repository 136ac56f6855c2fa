import { type MigrationInterface, type QueryRunner } from 'typeorm';

const SIGNATURE = `concierge.lock_message(uuid, uuid)`;

/**
 * `concierge.lock_message`: takes a guest message's pipeline lock (one run of a message at a time,
 * held until the transaction ends) and then says whether the message is still undecided (it has
 * no decision trace), in one round trip. The check is its own statement after the lock, so it
 * sees a trace that a run holding the lock committed meanwhile. SECURITY INVOKER: in the caller's
 * property transaction, under row-level security.
 */
export class ConciergeMessageLock1795331000000 implements MigrationInterface {
  name = 'ConciergeMessageLock1795331000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create function concierge.lock_message(p_property uuid, p_message uuid) returns boolean
        language plpgsql security invoker
        set search_path = pg_catalog
      as $$
      begin
        perform pg_advisory_xact_lock(hashtextextended('concierge:' || p_property::text || ':' || p_message::text, 0));
        return not exists (select 1 from concierge.decision_traces t
                            where t.property_id = p_property and t.message_id = p_message);
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
