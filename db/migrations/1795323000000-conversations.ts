import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Channels and conversations. A property registers channel accounts (Twilio SMS/WhatsApp,
 * WhatsApp Cloud, Mailgun, web chat) whose credentials are stored sealed; `platform.channel_routes`
 * mirrors each account's routing key (a number, a phone number id, an inbound address, a widget
 * key) so an inbound webhook finds its property before any tenant context exists. It is kept by a
 * trigger, and the app role may only read it.
 *
 * Inbound messages are written at ingest with their provider id (unique per account: a redelivery
 * is a no-op) and no conversation yet; the inbound-processing job finds the guest and the
 * conversation. Outbound messages get a delivery row with a unique idempotency key before the
 * provider is called.
 */
export class Conversations1795323000000 implements MigrationInterface {
  name = 'Conversations1795323000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table platform.channel_accounts (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null references platform.properties (id),
        kind varchar(20) not null
          check (kind in ('twilio_sms', 'twilio_whatsapp', 'whatsapp_cloud', 'email_mailgun', 'webchat')),
        name varchar(100) not null,
        route_key varchar(320) not null,
        settings jsonb not null default '{}'::jsonb check (jsonb_typeof(settings) = 'object'),
        secrets text not null,
        secret_hints jsonb not null default '{}'::jsonb,
        enabled boolean not null default true,
        status varchar(20) not null default 'configured'
          check (status in ('configured', 'connected', 'error', 'disabled')),
        last_checked_at timestamptz,
        last_error text,
        version integer not null default 1,
        created_by uuid,
        updated_by uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id)
      );
      create trigger channel_accounts_touch before update on platform.channel_accounts
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('platform.channel_accounts', 'select, insert, update, delete');

      -- Directory, not tenant data: a routing key belongs to one account of one property across the
      -- platform (its primary key refuses a second registration of the same number or address).
      create table platform.channel_routes (
        kind varchar(20) not null,
        route_key varchar(320) not null,
        property_id uuid not null,
        account_id uuid not null,
        enabled boolean not null,
        -- The account's version: a cache of its opened credentials is keyed by it.
        version integer not null,
        primary key (kind, route_key)
      );
      create function platform.sync_channel_route() returns trigger
        language plpgsql
        security definer
        set search_path = pg_catalog, pg_temp
      as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          delete from platform.channel_routes where kind = old.kind and route_key = old.route_key;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          insert into platform.channel_routes (kind, route_key, property_id, account_id, enabled, version)
          values (new.kind, new.route_key, new.property_id, new.id, new.enabled, new.version);
        end if;
        return null;
      end
      $$;
      revoke all on function platform.sync_channel_route() from public;
      create trigger channel_accounts_route after insert or update or delete on platform.channel_accounts
        for each row execute function platform.sync_channel_route();
      grant select on platform.channel_routes to butler_runtime;

      create table conversation.conversations (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        guest_id uuid not null,
        reservation_id uuid,
        channel_account_id uuid not null,
        channel_type varchar(10) not null check (channel_type in ('sms', 'whatsapp', 'email', 'webchat')),
        channel_id varchar(320) not null,
        state varchar(10) not null default 'new'
          check (state in ('new', 'active', 'escalated', 'resolved', 'closed')),
        assigned_to uuid,
        priority varchar(10) not null default 'normal' check (priority in ('urgent', 'high', 'normal', 'low')),
        ai_mode varchar(10) not null default 'auto' check (ai_mode in ('auto', 'paused')),
        guest_language varchar(10),
        current_intent varchar(100),
        metadata jsonb not null default '{}'::jsonb,
        unread_count integer not null default 0 check (unread_count >= 0),
        last_message_at timestamptz,
        last_inbound_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        idle_warned_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint conversations_account_fkey foreign key (property_id, channel_account_id)
          references platform.channel_accounts (property_id, id)
      );
      -- One open conversation per guest address and channel account.
      create unique index conversations_open_key on conversation.conversations
        (property_id, channel_account_id, channel_id) where state in ('new', 'active', 'escalated');
      create index conversations_activity_idx on conversation.conversations
        (property_id, last_message_at desc nulls last, id desc);
      create index conversations_guest_idx on conversation.conversations (property_id, guest_id);
      create index conversations_state_idx on conversation.conversations (property_id, state);
      create trigger conversations_touch before update on conversation.conversations
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('conversation.conversations', 'select, insert, update');

      create table conversation.messages (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        channel_account_id uuid not null,
        conversation_id uuid,
        direction varchar(10) not null check (direction in ('inbound', 'outbound')),
        sender_type varchar(10) not null check (sender_type in ('guest', 'ai', 'staff', 'system')),
        sender_id uuid,
        sender_address varchar(320),
        internal boolean not null default false,
        content text not null,
        content_type varchar(20) not null default 'text'
          check (content_type in ('text', 'image', 'audio', 'video', 'document', 'location', 'interactive')),
        media jsonb not null default '[]'::jsonb check (jsonb_typeof(media) = 'array'),
        intent varchar(100),
        confidence numeric(3, 2),
        entities jsonb,
        channel_message_id varchar(255),
        delivery_status varchar(10)
          check (delivery_status in ('pending', 'sent', 'delivered', 'read', 'failed')),
        delivery_error text,
        received_at timestamptz,
        processed_at timestamptz,
        created_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint messages_conversation_fkey foreign key (property_id, conversation_id)
          references conversation.conversations (property_id, id)
      );
      -- A provider's message id is unique per account: a redelivered webhook inserts nothing.
      create unique index messages_channel_key on conversation.messages
        (property_id, channel_account_id, channel_message_id) where channel_message_id is not null;
      create index messages_conversation_idx on conversation.messages (property_id, conversation_id, created_at, id);
      create index messages_unprocessed_idx on conversation.messages (property_id, id)
        where direction = 'inbound' and processed_at is null;
      select platform.apply_tenant_policy('conversation.messages', 'select, insert, update');

      create table conversation.deliveries (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        message_id uuid not null,
        channel_account_id uuid not null,
        idempotency_key varchar(100) not null,
        status varchar(10) not null default 'pending'
          check (status in ('pending', 'sending', 'sent', 'failed')),
        attempts integer not null default 0,
        provider_message_id varchar(255),
        last_error text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (property_id, id),
        constraint deliveries_idempotency_key unique (property_id, idempotency_key),
        constraint deliveries_message_fkey foreign key (property_id, message_id)
          references conversation.messages (property_id, id)
      );
      create trigger deliveries_touch before update on conversation.deliveries
        for each row execute function platform.touch_updated_at();
      select platform.apply_tenant_policy('conversation.deliveries', 'select, insert, update');

      -- A web chat visitor's session: the token is kept as a SHA-256 hash only.
      create table conversation.webchat_sessions (
        id uuid not null default platform.uuid_v7(),
        property_id uuid not null,
        channel_account_id uuid not null,
        conversation_id uuid not null,
        token_hash bytea not null,
        origin varchar(300) not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        primary key (property_id, id),
        constraint webchat_sessions_conversation_fkey foreign key (property_id, conversation_id)
          references conversation.conversations (property_id, id)
      );
      select platform.apply_tenant_policy('conversation.webchat_sessions', 'select, insert, update');

      -- Session tokens are looked up before a tenant context exists (like channel routes).
      create table platform.webchat_tokens (
        token_hash bytea primary key,
        property_id uuid not null,
        session_id uuid not null,
        expires_at timestamptz not null
      );
      grant select, insert on platform.webchat_tokens to butler_runtime;

      -- Signed webhook tokens already accepted (Mailgun): a replay is refused. Written in the same
      -- transaction as the message, so a failed attempt leaves the token usable for the retry.
      create table conversation.webhook_tokens (
        property_id uuid not null,
        channel_account_id uuid not null,
        token varchar(200) not null,
        seen_at timestamptz not null default now(),
        primary key (property_id, channel_account_id, token)
      );
      create index webhook_tokens_seen_idx on conversation.webhook_tokens (property_id, seen_at);
      select platform.apply_tenant_policy('conversation.webhook_tokens', 'select, insert, delete');

      create table conversation.opt_outs (
        property_id uuid not null,
        channel_type varchar(10) not null,
        address varchar(320) not null,
        opted_out_at timestamptz not null default now(),
        primary key (property_id, channel_type, address)
      );
      select platform.apply_tenant_policy('conversation.opt_outs', 'select, insert, delete');
    `);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`
      drop table if exists conversation.opt_outs;
      drop table if exists conversation.webhook_tokens;
      drop table if exists platform.webchat_tokens;
      drop table if exists conversation.webchat_sessions;
      drop table if exists conversation.deliveries;
      drop table if exists conversation.messages;
      drop table if exists conversation.conversations;
      drop trigger if exists channel_accounts_route on platform.channel_accounts;
      drop function if exists platform.sync_channel_route();
      drop table if exists platform.channel_routes;
      drop table if exists platform.channel_accounts;
    `);
  }
}
