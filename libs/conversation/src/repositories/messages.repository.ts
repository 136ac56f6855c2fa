import { cursorKeyUtc, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

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

const FIELDS = `id, channel_account_id, conversation_id, direction, sender_type, sender_id, sender_address, internal,
  content, content_type, media, intent, entities, template, translation, original, channel_message_id, delivery_status, delivery_error, received_at, processed_at,
  created_at`;

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
   */
  async receiveRouted(
    route: { kind: string; routeKey: string; accountId: string; version: number },
    m: InboundMessage,
    job: { queue: string; name: string },
  ): Promise<{ routed: boolean; id?: string }> {
    const rows = await this.db.selfScoped<{ routed: boolean; id: string | null }>(
      `select routed, id from conversation.receive_inbound($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
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
      ],
    );
    return { routed: rows[0]?.routed === true, id: rows[0]?.id ?? undefined };
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

  async attach(propertyId: string, id: string, conversationId: string): Promise<void> {
    await this.db.manager.query(
      `update conversation.messages set conversation_id = $3, processed_at = now() where property_id = $1 and id = $2`,
      [propertyId, id, conversationId],
    );
  }

  /** What the concierge understood of a guest message (the channel's own entities are kept). */
  async annotate(
    propertyId: string,
    id: string,
    understood: { intent: string; confidence: number; entities: Record<string, unknown> },
  ): Promise<void> {
    await this.db.manager.query(
      `update conversation.messages
          set intent = $3, confidence = $4, entities = coalesce(entities, '{}'::jsonb) || $5::jsonb
        where property_id = $1 and id = $2`,
      [propertyId, id, understood.intent, understood.confidence, JSON.stringify(understood.entities)],
    );
  }

  /** When staff last sent a (non-internal) message in the conversation, if ever. */
  async lastStaffReplyAt(propertyId: string, conversationId: string): Promise<Date | null> {
    const rows = await rowsOf<{ at: Date | null }>(
      this.db.manager.query(
        `select max(created_at) as at from conversation.messages
          where property_id = $1 and conversation_id = $2 and direction = 'outbound'
            and sender_type = 'staff' and not internal`,
        [propertyId, conversationId],
      ),
    );
    return rows[0]?.at ?? null;
  }

  /** The last outbound message of the conversation the guest saw (or is about to). */
  async lastOutbound(
    propertyId: string,
    conversationId: string,
  ): Promise<Pick<MessageRow, 'id' | 'sender_type' | 'intent' | 'created_at'> | undefined> {
    const rows = await rowsOf<Pick<MessageRow, 'id' | 'sender_type' | 'intent' | 'created_at'>>(
      this.db.manager.query(
        `select id, sender_type, intent, created_at from conversation.messages
          where property_id = $1 and conversation_id = $2 and direction = 'outbound' and not internal
          order by created_at desc, id desc limit 1`,
        [propertyId, conversationId],
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

  /** The guest's latest message in the conversation: its provider id and subject (email threading). */
  async lastInbound(
    propertyId: string,
    conversationId: string,
  ): Promise<{ providerId: string | null; subject: string | null }> {
    const rows = await rowsOf<{ channel_message_id: string | null; subject: string | null }>(
      this.db.manager.query(
        `select channel_message_id, entities ->> 'subject' as subject from conversation.messages
          where property_id = $1 and conversation_id = $2 and direction = 'inbound'
          order by created_at desc, id desc limit 1`,
        [propertyId, conversationId],
      ),
    );
    return { providerId: rows[0]?.channel_message_id ?? null, subject: rows[0]?.subject ?? null };
  }

  /**
   * How long (ms) the oldest earlier outbound message of the conversation, written within
   * `withinSeconds`, has been waiting for its send; undefined when none is: messages go out in
   * the order they were written. Compared in SQL, at the column's microseconds.
   */
  async earlierPendingAge(
    propertyId: string,
    conversationId: string,
    messageId: string,
    withinSeconds: number,
  ): Promise<number | undefined> {
    const rows = await rowsOf<{ age_ms: number }>(
      this.db.manager.query(
        `select (extract(epoch from now() - e.created_at) * 1000)::float8 as age_ms
           from conversation.messages m
           join conversation.messages e
             on e.property_id = m.property_id and e.conversation_id = m.conversation_id
            and (e.created_at, e.id) < (m.created_at, m.id)
          where m.property_id = $1 and m.id = $3 and m.conversation_id = $2
            and e.direction = 'outbound' and not e.internal and e.delivery_status = 'pending'
            and e.created_at > now() - make_interval(secs => $4)
          order by e.created_at, e.id
          limit 1`,
        [propertyId, conversationId, messageId, withinSeconds],
      ),
    );
    return rows[0] ? Math.max(0, rows[0].age_ms) : undefined;
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
