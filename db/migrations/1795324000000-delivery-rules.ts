import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Delivery rules beyond the first conversations release:
 * - `conversation.messages.template`: the registered WhatsApp template (name, language, ordered
 *   variable values) an outbound message is sent as; such a message may go outside the 24-hour
 *   window.
 * - `conversation.parked_statuses`: a provider's status callback that arrives before the send's
 *   answer (and so before the message knows its provider id) waits here and is applied when the
 *   id is recorded.
 * - `platform.prune_webchat_tokens()`: expired web chat tokens leave the directory (the app role
 *   may not delete from it directly).
 */
export class DeliveryRules1795324000000 implements MigrationInterface {
  name = 'DeliveryRules1795324000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table conversation.messages add column template jsonb
        check (template is null or jsonb_typeof(template) = 'object');

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
      create function platform.prune_webchat_tokens(older_than interval) returns integer
        language sql security definer
        set search_path = pg_catalog
      as $$
        with gone as (delete from platform.webchat_tokens where expires_at < now() - older_than returning 1)
        select count(*)::integer from gone
      $$;
      revoke all on function platform.prune_webchat_tokens(interval) from public;
      grant execute on function platform.prune_webchat_tokens(interval) to butler_runtime;
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop function if exists platform.prune_webchat_tokens(interval);
      drop index if exists platform.webchat_tokens_expires_idx;
      drop table if exists conversation.parked_statuses;
      alter table conversation.messages drop column if exists template;
    `);
  }
}
