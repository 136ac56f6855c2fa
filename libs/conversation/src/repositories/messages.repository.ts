import { cursorKeyUtc, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { accountColumns, accountOf, type ChannelAccountRow } from './channel-accounts.repository';

export interface MediaItem {
  type: string;
  url: string;
  mimeType: string | null;
  size: number | null;
}

/** A registered WhatsApp template a message is sent as: values in placeholder order. */
export interface MessageTemplate {
  name: string;
  language: string;
  parameters: string[];
  /** Named templates: the parameter name of each value. */
  parameterNames?: string[];
  contentSid?: string;
}

export interface InboundMessage {
  channelMessageId: string;
  from: string;
  content: string;
  contentType: 'text' | 'image' | 'audio' | 'video' | 'document' | 'location';
  media: MediaItem[];
  /** Channel details kept with the message (an email's subject and thread references). */
  entities?: Record<string, unknown>;
}

export interface MessageTranslation {
  language: string;
  content: string;
  engine: string;
}

export interface MessageRow {
  id: string;
  channel_account_id: string;
  conversation_id: string | null;
  direction: 'inbound' | 'outbound';
  sender_type: 'guest' | 'ai' | 'staff' | 'system';
  sender_id: string | null;
  sender_address: string | null;
  internal: boolean;
  content: string;
  content_type: string;
  media: MediaItem[];
  intent: string | null;
  entities: Record<string, unknown> | null;
  template: MessageTemplate | null;
  /** A guest message in the property's language, for staff (LLM engine). */
  translation: MessageTranslation | null;
  /** A staff reply as written, before it was translated into the guest's language. */
  original: { language: string; content: string } | null;
  channel_message_id: string | null;
  delivery_status: string | null;
  delivery_error: string | null;
  received_at: Date | null;
  processed_at: Date | null;
  created_at: Date;
}

export interface InboundContextRow {
  id: string;
  content: string;
  content_type: string;
  received_at: Date;
  conversation_id: string;
  guest_id: string;
  reservation_id: string | null;
  channel_type: string;
  state: string;
  ai_mode: 'auto' | 'paused';
  guest_language: string | null;
  last_staff_reply_at: Date | null;
  last_outbound_intent: string | null;
}

/** An outbound message, locked, with what its send needs to know, read in one statement. */
export interface OutboundContextRow extends MessageRow {
  /** The conversation's address on its channel, and when the guest last wrote. */
  to_address: string | null;
  last_inbound_at: Date | null;
  /** How long (ms) an earlier message of the conversation has been waiting for its send, if one is. */
  earlier_pending_ms: number | null;
  /** The provider's id and the subject of the guest's last message (email threads). */
  last_inbound_provider_id: string | null;
  last_inbound_subject: string | null;
  /** The conversation's address opted out of SMS. */
  sms_opted_out: boolean;
  /** The message's channel account; undefined if it is gone. */
  account?: ChannelAccountRow;
}

const FIELDS = `id, channel_account_id, conversation_id, direction, sender_type, sender_id, sender_address, internal,
  content, content_type, media, intent, entities, template, translation, original, channel_message_id, delivery_status, delivery_error, received_at, processed_at,
  created_at`;
/** A row joined with `accountColumns`, split into its own columns and the account. */
function withoutAccount<T>(joined: object): { row: T; account: ChannelAccountRow | undefined } {
  const row = Object.fromEntries(Object.entries(joined).filter(([k]) => !k.startsWith('account_'))) as T;
  return { row, account: accountOf(joined) };
}

/** FIELDS of a message under a table alias. */
const fieldsOf = (alias: string) =>
  FIELDS.split(',')
    .map((f) => `${alias}.${f.trim()}`)
    .join(', ');

/** conversation.messages. */
@Injectable()
export class MessagesRepository {
  constructor(private readonly db: TenantDb) {}

  /** Stores a received message once: a redelivery (same provider id) returns undefined. */
  async insertInbound(propertyId: string, accountId: string, m: InboundMessage): Promise<string | undefined> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `insert into conversation.messages (property_id, channel_account_id, direction, sender_type, sender_address,
                content, content_type, media, channel_message_id, entities, received_at)
         values ($1, $2, 'inbound', 'guest', $3, $4, $5, $6, $7, $8, now())
         on conflict (property_id, channel_account_id, channel_message_id) where channel_message_id is not null
         do nothing returning id`,
        [
          propertyId,
          accountId,
          m.from,
          m.content,
          m.contentType,
          JSON.stringify(m.media),
          m.channelMessageId,
          m.entities ? JSON.stringify(m.entities) : null,
        ],
      ),
    );
    return rows[0]?.id;
  }

  /**
   * Stores a received message with its processing job in one statement of its own (see the
   * migration of conversation.receive_inbound), if the route is still the one given (same account
   * and version, enabled). `routed` false: nothing was written; `id` undefined: a redelivery.
   * `job`: the processing job's outbox row, held `holdMs` for the caller to publish (0: the relay's).
   */
  async receiveRouted(
    route: { kind: string; routeKey: string; accountId: string; version: number },
    m: InboundMessage,
    job: { queue: string; name: string; holdMs: number },
  ): Promise<{ routed: boolean; id?: string; job?: { id: string; payload: Record<string, unknown> } }> {
    const rows = await this.db.selfScoped<{
      routed: boolean;
      id: string | null;
      job_id: string | null;
      job_payload: Record<string, unknown> | null;
    }>(
      `select routed, id, job_id, job_payload
         from conversation.receive_inbound($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        route.kind,
        route.routeKey,
        route.accountId,
        route.version,
        m.from,
        m.content,
        m.contentType,
        JSON.stringify(m.media),
        m.channelMessageId,
        m.entities ? JSON.stringify(m.entities) : null,
        job.queue,
        job.name,
        job.holdMs,
      ],
    );
    const row = rows[0];
    return {
      routed: row?.routed === true,
      id: row?.id ?? undefined,
      job: row?.job_id ? { id: row.job_id, payload: row.job_payload! } : undefined,
    };
  }

  /**
   * A message, locked for update, with its channel account (undefined if the account is gone), in
   * one statement: what the inbound job reads first.
   */
  async findWithAccount(
    propertyId: string,
    id: string,
  ): Promise<{ message: MessageRow; account: ChannelAccountRow | undefined } | undefined> {
    const rows = await rowsOf<MessageRow & Record<`account_${string}`, unknown>>(
      this.db.manager.query(
        `select ${fieldsOf('m')}, ${accountColumns('a')}
           from conversation.messages m
           left join platform.channel_accounts a on a.property_id = m.property_id and a.id = m.channel_account_id
          where m.property_id = $1 and m.id = $2
            for update of m`,
        [propertyId, id],
      ),
    );
    if (!rows[0]) return undefined;
    const { row: message, account } = withoutAccount<MessageRow>(rows[0]);
    return { message, account };
  }

  async findById(propertyId: string, id: string, forUpdate = false): Promise<MessageRow | undefined> {
    const rows = await rowsOf<MessageRow>(
      this.db.manager.query(
        `select ${FIELDS} from conversation.messages where property_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /**
   * Attaches a received message to its conversation, which counts it as unread, opens the WhatsApp
   * service window as of `receivedAt` and restarts its idle clock: one statement.
   */
  async attach(propertyId: string, id: string, conversationId: string, receivedAt: Date): Promise<void> {
    await this.db.manager.query(
      `with m as (
         update conversation.messages set conversation_id = $3, processed_at = now()
          where property_id = $1 and id = $2)
       update conversation.conversations
          set last_message_at = greatest(last_message_at, $4), last_inbound_at = greatest(last_inbound_at, $4),
              unread_count = unread_count + 1, idle_warned_at = null, version = version + 1
        where property_id = $1 and id = $3`,
      [propertyId, id, conversationId, receivedAt],
    );
  }

  /**
   * What the concierge understood of a guest message (the channel's own entities are kept), and
   * the language and intent on its conversation, in one statement.
   */
  async annotate(
    propertyId: string,
    id: string,
    conversationId: string,
    understood: { language: string; intent: string; confidence: number; entities: Record<string, unknown> },
  ): Promise<void> {
    await this.db.manager.query(
      `with m as (
         update conversation.messages
            set intent = $3, confidence = $4, entities = coalesce(entities, '{}'::jsonb) || $5::jsonb
          where property_id = $1 and id = $2)
       update conversation.conversations set guest_language = $7, current_intent = $3
        where property_id = $1 and id = $6`,
      [
        propertyId,
        id,
        understood.intent,
        understood.confidence,
        JSON.stringify(understood.entities),
        conversationId,
        understood.language,
      ],
    );
  }

  /**
   * A guest's message with what the concierge needs of its conversation, in one statement: the
   * conversation's state, mode and language, when staff last replied and the intent of the last
   * message the guest was sent. Undefined when it is not an attached guest message.
   */
  async inboundContext(propertyId: string, id: string): Promise<InboundContextRow | undefined> {
    const rows = await rowsOf<InboundContextRow>(
      this.db.manager.query(
        `select m.id, m.content, m.content_type, coalesce(m.received_at, m.created_at) as received_at,
                c.id as conversation_id, c.guest_id, c.reservation_id, c.channel_type, c.state, c.ai_mode,
                c.guest_language,
                (select max(s.created_at) from conversation.messages s
                  where s.property_id = c.property_id and s.conversation_id = c.id and s.direction = 'outbound'
                    and s.sender_type = 'staff' and not s.internal) as last_staff_reply_at,
                (select o.intent from conversation.messages o
                  where o.property_id = c.property_id and o.conversation_id = c.id and o.direction = 'outbound'
                    and not o.internal
                  order by o.created_at desc, o.id desc limit 1) as last_outbound_intent
           from conversation.messages m
           join conversation.conversations c on c.property_id = m.property_id and c.id = m.conversation_id
          where m.property_id = $1 and m.id = $2 and m.direction = 'inbound' and m.sender_type = 'guest'`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /** An outbound (or internal) message written by staff, the AI or the system. */
  async insertOutbound(
    propertyId: string,
    m: {
      accountId: string;
      conversationId: string;
      senderType: 'staff' | 'ai' | 'system';
      senderId: string | null;
      content: string;
      internal: boolean;
      intent?: string;
      template?: MessageTemplate;
      original?: { language: string; content: string };
    },
  ): Promise<MessageRow> {
    // clock_timestamp(), not the transaction's start: the parts of one reply keep their order.
    const rows = await rowsOf<MessageRow>(
      this.db.manager.query(
        `insert into conversation.messages (property_id, channel_account_id, conversation_id, direction, sender_type,
                sender_id, internal, content, intent, template, original, delivery_status, processed_at, created_at)
         values ($1, $2, $3, 'outbound', $4, $5, $6, $7, $8, $9, $10, case when $6 then null else 'pending' end, now(),
                 clock_timestamp())
         returning ${FIELDS}`,
        [
          propertyId,
          m.accountId,
          m.conversationId,
          m.senderType,
          m.senderId,
          m.internal,
          m.content,
          m.intent ?? null,
          m.template ? JSON.stringify(m.template) : null,
          m.original ? JSON.stringify(m.original) : null,
        ],
      ),
    );
    return rows[0];
  }

  /**
   * A reply from the AI or the system to a conversation, stored with the conversation's channel
   * account and moving its last_message_at, in one statement. Undefined when the conversation is
   * gone. The caller splits nothing: the content fits every channel.
   */
  async insertReply(
    propertyId: string,
    conversationId: string,
    m: { senderType: 'ai' | 'system'; senderId: string | null; content: string; intent?: string },
  ): Promise<MessageRow | undefined> {
    const rows = await rowsOf<MessageRow>(
      this.db.manager.query(
        `with c as (
           select id, channel_account_id from conversation.conversations where property_id = $1 and id = $2
         ), m as (
           insert into conversation.messages (property_id, channel_account_id, conversation_id, direction, sender_type,
                  sender_id, internal, content, intent, delivery_status, processed_at, created_at)
           select $1, c.channel_account_id, c.id, 'outbound', $3, $4, false, $5, $6, 'pending', now(), clock_timestamp()
             from c
           returning ${FIELDS}
         ), touched as (
           update conversation.conversations
              set last_message_at = greatest(last_message_at, (select created_at from m)), version = version + 1
            where property_id = $1 and id = (select conversation_id from m)
         )
         select * from m`,
        [propertyId, conversationId, m.senderType, m.senderId, m.content, m.intent ?? null],
      ),
    );
    return rows[0];
  }

  /** Keeps a guest message's translation for staff. */
  async setTranslation(propertyId: string, id: string, translation: MessageTranslation): Promise<void> {
    await this.db.manager.query(
      `update conversation.messages set translation = $3 where property_id = $1 and id = $2`,
      [propertyId, id, JSON.stringify(translation)],
    );
  }

  /** The conversation's latest messages sent or received before a message, oldest first (no internal notes). */
  recentBefore(
    propertyId: string,
    conversationId: string,
    messageId: string,
    limit: number,
  ): Promise<MessageRow[]> {
    return rowsOf<MessageRow>(
      this.db.manager.query(
        `select * from (
           select ${FIELDS} from conversation.messages
            where property_id = $1 and conversation_id = $2 and not internal
              and (created_at, id) < (select created_at, id from conversation.messages
                                       where property_id = $1 and id = $3)
            order by created_at desc, id desc limit $4) recent
          order by created_at, id`,
        [propertyId, conversationId, messageId, limit],
      ),
    );
  }

  /** A conversation's messages, newest first, before an optional (created_at, id) key. */
  page(
    propertyId: string,
    conversationId: string,
    before: { at: string; id: string } | undefined,
    limit: number,
  ): Promise<(MessageRow & { sort_key: string })[]> {
    return rowsOf<MessageRow & { sort_key: string }>(
      this.db.manager.query(
        `select ${FIELDS}, ${cursorKeyUtc('created_at', 'sort_key')}
           from conversation.messages
          where property_id = $1 and conversation_id = $2
            and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
          order by created_at desc, id desc limit $5`,
        [propertyId, conversationId, before?.at ?? null, before?.id ?? null, limit],
      ),
    );
  }

  /**
   * An outbound message, locked, and what its send needs, in one statement: its conversation's
   * address and last inbound time, how long an earlier message of the conversation (written
   * within `withinSeconds`) has been waiting for its send (messages go out in the order they
   * were written; compared at the column's microseconds), the guest's last message (its provider
   * id and subject, for email threads), and whether the address opted out of SMS.
   */
  async outboundContext(
    propertyId: string,
    id: string,
    withinSeconds: number,
  ): Promise<OutboundContextRow | undefined> {
    const rows = await rowsOf<OutboundContextRow>(
      this.db.manager.query(
        `select m.*, ${accountColumns('a')}, c.channel_id as to_address, c.last_inbound_at,
                (select (extract(epoch from now() - e.created_at) * 1000)::float8
                   from conversation.messages e
                  where e.property_id = m.property_id and e.conversation_id = m.conversation_id
                    and (e.created_at, e.id) < (m.created_at, m.id)
                    and e.direction = 'outbound' and not e.internal and e.delivery_status = 'pending'
                    and e.created_at > now() - make_interval(secs => $3)
                  order by e.created_at, e.id
                  limit 1) as earlier_pending_ms,
                li.channel_message_id as last_inbound_provider_id, li.subject as last_inbound_subject,
                exists (select 1 from conversation.opt_outs o
                         where o.property_id = m.property_id and o.channel_type = 'sms'
                           and o.address = c.channel_id) as sms_opted_out
           from (select ${FIELDS}, property_id from conversation.messages
                  where property_id = $1 and id = $2 for update) m
           left join platform.channel_accounts a on a.property_id = m.property_id and a.id = m.channel_account_id
           left join conversation.conversations c on c.property_id = m.property_id and c.id = m.conversation_id
           left join lateral (
                  select i.channel_message_id, i.entities ->> 'subject' as subject from conversation.messages i
                   where i.property_id = m.property_id and i.conversation_id = m.conversation_id
                     and i.direction = 'inbound'
                   order by i.created_at desc, i.id desc limit 1) li on true`,
        [propertyId, id, withinSeconds],
      ),
    );
    if (!rows[0]) return undefined;
    const { row, account } = withoutAccount<OutboundContextRow>(rows[0]);
    return { ...row, account };
  }

  /**
   * First-response times of guest messages received in a period: for each, the wait until the
   * first AI and the first staff message that followed it in its conversation; the medians (s).
   */
  async firstResponseMedians(
    propertyId: string,
    from: string,
    to: string,
  ): Promise<{
    ai_seconds: number | null;
    staff_seconds: number | null;
    answered_by_ai: number;
    answered_by_staff: number;
  }> {
    const rows = await rowsOf<{
      ai_seconds: number | null;
      staff_seconds: number | null;
      answered_by_ai: number;
      answered_by_staff: number;
    }>(
      this.db.manager.query(
        `with inbound as (
           select m.conversation_id, m.created_at from conversation.messages m
            where m.property_id = $1 and m.direction = 'inbound' and m.sender_type = 'guest'
              and m.conversation_id is not null and m.created_at >= $2 and m.created_at < $3
         ), waits as (
           select (select extract(epoch from min(o.created_at) - i.created_at) from conversation.messages o
                    where o.property_id = $1 and o.conversation_id = i.conversation_id and o.direction = 'outbound'
                      and not o.internal and o.sender_type = 'ai' and o.created_at >= i.created_at) as ai,
                  (select extract(epoch from min(o.created_at) - i.created_at) from conversation.messages o
                    where o.property_id = $1 and o.conversation_id = i.conversation_id and o.direction = 'outbound'
                      and not o.internal and o.sender_type = 'staff' and o.created_at >= i.created_at) as staff
             from inbound i
         )
         select percentile_cont(0.5) within group (order by ai) as ai_seconds,
                percentile_cont(0.5) within group (order by staff) as staff_seconds,
                count(ai)::int as answered_by_ai, count(staff)::int as answered_by_staff
           from waits`,
        [propertyId, from, to],
      ),
    );
    return rows[0];
  }

  /** The open conversation an email answers, found by the ids it references on this account. */
  async conversationReferenced(
    propertyId: string,
    accountId: string,
    references: string[],
  ): Promise<string | undefined> {
    if (references.length === 0) return undefined;
    const rows = await rowsOf<{ conversation_id: string }>(
      this.db.manager.query(
        `select m.conversation_id from conversation.messages m
           join conversation.conversations c on c.property_id = m.property_id and c.id = m.conversation_id
          where m.property_id = $1 and m.channel_account_id = $2 and m.channel_message_id = any($3::text[])
            and c.state in ('new', 'active', 'escalated')
          order by m.created_at desc limit 1`,
        [propertyId, accountId, references],
      ),
    );
    return rows[0]?.conversation_id;
  }

  /** A message of a conversation, without its channel details. */
  async inConversation(
    propertyId: string,
    conversationId: string,
    id: string,
  ): Promise<BriefMessageRow | undefined> {
    const rows = await rowsOf<BriefMessageRow>(
      this.db.manager.query(
        `select ${BRIEF} from conversation.messages where property_id = $1 and conversation_id = $2 and id = $3`,
        [propertyId, conversationId, id],
      ),
    );
    return rows[0];
  }

  /** The guest's last message in the conversation before a message. */
  async guestMessageBefore(
    propertyId: string,
    conversationId: string,
    id: string,
  ): Promise<BriefMessageRow | undefined> {
    const rows = await rowsOf<BriefMessageRow>(
      this.db.manager.query(
        `select ${BRIEF} from conversation.messages
          where property_id = $1 and conversation_id = $2 and direction = 'inbound' and sender_type = 'guest'
            and (created_at, id) < (select created_at, id from conversation.messages where property_id = $1 and id = $3)
          order by created_at desc, id desc limit 1`,
        [propertyId, conversationId, id],
      ),
    );
    return rows[0];
  }

  /**
   * For each message, the first staff reply after it in its conversation: every part of that reply
   * (a long reply is split into messages written in one transaction), joined.
   */
  async firstStaffRepliesAfter(
    propertyId: string,
    ids: string[],
  ): Promise<{ message_id: string; content: string }[]> {
    if (ids.length === 0) return [];
    return rowsOf<{ message_id: string; content: string }>(
      this.db.manager.query(
        `select m.id as message_id,
                (select string_agg(p.content, ' ' order by p.created_at, p.id) from conversation.messages p
                  where p.property_id = m.property_id and p.conversation_id = m.conversation_id
                    and p.direction = 'outbound' and p.sender_type = 'staff' and not p.internal
                    and p.processed_at = r.processed_at and p.sender_id is not distinct from r.sender_id) as content
           from conversation.messages m
          cross join lateral (
                select s.processed_at, s.sender_id from conversation.messages s
                 where s.property_id = m.property_id and s.conversation_id = m.conversation_id
                   and s.direction = 'outbound' and s.sender_type = 'staff' and not s.internal
                   and (s.created_at, s.id) > (m.created_at, m.id)
                 order by s.created_at, s.id limit 1) r
          where m.property_id = $1 and m.id = any($2::uuid[])`,
        [propertyId, ids],
      ),
    );
  }
}

export interface BriefMessageRow {
  id: string;
  conversation_id: string;
  direction: 'inbound' | 'outbound';
  sender_type: 'guest' | 'ai' | 'staff' | 'system';
  internal: boolean;
  content: string;
  created_at: Date;
}

const BRIEF = 'id, conversation_id, direction, sender_type, internal, content, created_at';
