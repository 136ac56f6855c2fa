import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Delivery rules beyond the first conversations release:
 * - `conversation.messages.template`: the registered WhatsApp template (name, language, ordered
 *   variable values) an outbound message is sent as; such a message may go outside the 24-hour
 *   window.
 * - `conversation.parked_statuses`: a provider's status callback that arrives before the send's
 *   answer (and so before the message knows its provider id) waits here and is applied when the
 *   id is recorded.
 * - `platform.prune_webchat_tokens()`: tokens expired over a day ago leave the directory (the app
 *   role may not delete from it directly).
 */
export class DeliveryRules1795324000000 implements MigrationInterface {
  name = 'DeliveryRules1795324000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      -- NOT VALID then VALIDATE: the check is added without holding the table's exclusive lock for a scan.
      alter table conversation.messages add column template jsonb;
      alter table conversation.messages add constraint messages_template_check
        check (template is null or jsonb_typeof(template) = 'object') not valid;
      alter table conversation.messages validate constraint messages_template_check;

      create table conversation.parked_statuses (
        property_id uuid not null,
        channel_account_id uuid not null,
        channel_message_id varchar(255) not null,
        status varchar(10) not null check (status in ('sent', 'delivered', 'read', 'failed')),
        error text,
        received_at timestamptz not null default now(),
        primary key (property_id, channel_account_id, channel_message_id, status)
      );
      create index parked_statuses_received_idx on conversation.parked_statuses (property_id, received_at);
      select platform.apply_tenant_policy('conversation.parked_statuses', 'select, insert, delete');

      create index webchat_tokens_expires_idx on platform.webchat_tokens (expires_at);
      -- Fixed retention: the app role may run it, not choose what it deletes.
      create function platform.prune_webchat_tokens() returns integer
        language sql security definer
        set search_path = pg_catalog, pg_temp
      as $$
        with gone as (
          delete from platform.webchat_tokens where expires_at < now() - interval '1 day' returning 1
        )
        select count(*)::integer from gone
      $$;
      revoke all on function platform.prune_webchat_tokens() from public;
      grant execute on function platform.prune_webchat_tokens() to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function if exists platform.prune_webchat_tokens();
      drop index if exists platform.webchat_tokens_expires_idx;
      drop table if exists conversation.parked_statuses;
      alter table conversation.messages drop column if exists template;
    `);
  }
}
