import { cursorKeyUtc, rowsOf, SqlFilter, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ChannelType } from '../services/channel-kinds';

export type ConversationState = 'new' | 'active' | 'escalated' | 'resolved' | 'closed';

export interface ConversationRow {
  id: string;
  guest_id: string;
  reservation_id: string | null;
  channel_account_id: string;
  channel_type: ChannelType;
  channel_id: string;
  state: ConversationState;
  assigned_to: string | null;
  priority: 'urgent' | 'high' | 'normal' | 'low';
  ai_mode: 'auto' | 'paused';
  guest_language: string | null;
  unread_count: number;
  last_message_at: Date | null;
  last_inbound_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const FIELDS = `id, guest_id, reservation_id, channel_account_id, channel_type, channel_id, state, assigned_to, priority,
  ai_mode, guest_language, unread_count, last_message_at, last_inbound_at, resolved_at, closed_at, version,
  created_at, updated_at`;

/** The list's columns, plus its sort key at full (microsecond) precision for exact cursors. */
const LIST_FIELDS = `${FIELDS.split(',')
  .map((f) => `c.${f.trim()}`)
  .join(', ')}, ${cursorKeyUtc('coalesce(c.last_message_at, c.created_at)', 'sort_key')}`;

/** conversation.conversations. */
/** A conversation to open: whose, on which account and address. */
export interface NewConversation {
  guestId: string;
  reservationId: string | null;
  accountId: string;
  channelType: ChannelType;
  channelId: string;
}

@Injectable()
export class ConversationsRepository {
  constructor(private readonly db: TenantDb) {}

  async findById(propertyId: string, id: string, forUpdate = false): Promise<ConversationRow | undefined> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(
        `select ${FIELDS} from conversation.conversations where property_id = $1 and id = $2${forUpdate ? ' for update' : ''}`,
        [propertyId, id],
      ),
    );
    return rows[0];
  }

  /** The open conversation (new, active or escalated) with this address on this account. */
  /**
   * Takes the lock that keeps one open conversation per address and account, then finds that open
   * conversation (locked for update): one round trip (conversation.lock_open_conversation).
   */
  async lockOpen(
    propertyId: string,
    accountId: string,
    channelId: string,
  ): Promise<ConversationRow | undefined> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(`select ${FIELDS} from conversation.lock_open_conversation($1, $2, $3)`, [
        propertyId,
        accountId,
        channelId,
      ]),
    );
    return rows[0];
  }

  /**
   * `lockOpen` for the address and account of a received message not yet attached, found by its
   * id: it can be asked for with the first read of the message (which locks the message first).
   * Undefined, and no lock taken, for a message already attached or without a sender address.
   */
  async lockOpenOfMessage(propertyId: string, messageId: string): Promise<ConversationRow | undefined> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(`select ${FIELDS} from conversation.lock_open_conversation_of_message($1, $2)`, [
        propertyId,
        messageId,
      ]),
    );
    return rows[0];
  }

  async insert(propertyId: string, c: NewConversation): Promise<ConversationRow> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(
        `insert into conversation.conversations (property_id, guest_id, reservation_id, channel_account_id,
                channel_type, channel_id)
         values ($1, $2, $3, $4, $5, $6) returning ${FIELDS}`,
        [propertyId, c.guestId, c.reservationId, c.accountId, c.channelType, c.channelId],
      ),
    );
    return rows[0];
  }

  /**
   * A new conversation with its first message, in one statement: the conversation is written
   * with that message's times and one unread message, and the message is attached to it (what
   * `insert` and then `MessagesRepository.attach` would leave).
   */
  async insertWithFirstMessage(
    propertyId: string,
    c: NewConversation & { id: string },
    message: { id: string; receivedAt: Date },
  ): Promise<ConversationRow> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(
        `with c as (
           insert into conversation.conversations (property_id, id, guest_id, reservation_id, channel_account_id,
                  channel_type, channel_id, last_message_at, last_inbound_at, unread_count)
           values ($1, $9, $2, $3, $4, $5, $6, $8, $8, 1) returning ${FIELDS}
         ), m as (
           update conversation.messages set conversation_id = $9, processed_at = now()
            where property_id = $1 and id = $7
         )
         select * from c`,
        [
          propertyId,
          c.guestId,
          c.reservationId,
          c.accountId,
          c.channelType,
          c.channelId,
          message.id,
          message.receivedAt,
          c.id,
        ],
      ),
    );
    return rows[0];
  }

  list(
    propertyId: string,
    f: {
      state?: string;
      channel?: string;
      assignee?: string;
      unassigned?: boolean;
      unread?: boolean;
      priority?: string;
      guestId?: string;
      q?: string;
      after?: { at: string; id: string };
      limit: number;
    },
  ): Promise<(ConversationRow & { sort_key: string })[]> {
    const w = new SqlFilter().where('c.property_id = ?', propertyId);
    if (f.state) w.where('c.state = ?', f.state);
    if (f.channel) w.where('c.channel_type = ?', f.channel);
    if (f.assignee) w.where('c.assigned_to = ?::uuid', f.assignee);
    if (f.unassigned !== undefined)
      w.where(f.unassigned ? 'c.assigned_to is null' : 'c.assigned_to is not null');
    if (f.unread !== undefined) w.where(f.unread ? 'c.unread_count > 0' : 'c.unread_count = 0');
    if (f.priority) w.where('c.priority = ?', f.priority);
    if (f.guestId) w.where('c.guest_id = ?::uuid', f.guestId);
    if (f.q)
      w.where(
        `exists (select 1 from conversation.messages m where m.property_id = c.property_id
                  and m.conversation_id = c.id and m.content ilike ?)`,
        `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`,
      );
    // Newest activity first; conversations without messages sort as of their creation.
    if (f.after)
      w.where(
        '(coalesce(c.last_message_at, c.created_at), c.id) < (?::timestamptz, ?::uuid)',
        f.after.at,
        f.after.id,
      );
    return rowsOf<ConversationRow & { sort_key: string }>(
      this.db.manager.query(
        `select ${LIST_FIELDS} from conversation.conversations c where ${w.sql}
          order by coalesce(c.last_message_at, c.created_at) desc, c.id desc limit ${w.param(f.limit)}`,
        w.params,
      ),
    );
  }

  /** Applies a change the service validated; bumps the version. */
  async set(
    propertyId: string,
    id: string,
    change: Partial<{
      state: ConversationState;
      assignedTo: string | null;
      aiMode: 'auto' | 'paused';
      unreadCount: number;
      lastMessageAt: Date;
    }>,
  ): Promise<ConversationRow> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(
        `update conversation.conversations
            set state = coalesce($3, state),
                assigned_to = case when $4::boolean then $5::uuid else assigned_to end,
                ai_mode = coalesce($6, ai_mode),
                unread_count = coalesce($7, unread_count),
                last_message_at = greatest(last_message_at, $8::timestamptz),
                resolved_at = case when $3 = 'resolved' then now() when $3 in ('active', 'escalated') then null
                                   else resolved_at end,
                closed_at = case when $3 = 'closed' then now() when $3 in ('active', 'escalated') then null
                                 else closed_at end,
                version = version + 1
          where property_id = $1 and id = $2 returning ${FIELDS}`,
        [
          propertyId,
          id,
          change.state ?? null,
          'assignedTo' in change,
          change.assignedTo ?? null,
          change.aiMode ?? null,
          change.unreadCount ?? null,
          change.lastMessageAt ?? null,
        ],
      ),
    );
    return rows[0];
  }

  /**
   * Hands the conversation to staff: state escalated, priority raised (never lowered), the
   * reason and department kept in its metadata. Returns false when it is no longer open.
   */
  async escalate(
    propertyId: string,
    id: string,
    priority: ConversationRow['priority'],
    escalation: { reason: string; department: string; intent: string; messageId: string },
  ): Promise<boolean> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update conversation.conversations
            set state = 'escalated',
                priority = case when array_position(array['low', 'normal', 'high', 'urgent'], $3::text)
                                   > array_position(array['low', 'normal', 'high', 'urgent'], priority::text)
                                then $3 else priority end,
                metadata = metadata || jsonb_build_object('escalation', $4::jsonb || jsonb_build_object('at', now())),
                resolved_at = null,
                version = version + 1
          where property_id = $1 and id = $2 and state in ('new', 'active', 'escalated') returning id`,
        [propertyId, id, priority, JSON.stringify(escalation)],
      ),
    );
    return rows.length > 0;
  }

  /** Guest wrote, then everyone was quiet for `hours`, not yet asked: marks them asked, returns them. */
  async markIdle(propertyId: string, hours: number, limit: number): Promise<ConversationRow[]> {
    return rowsOf<ConversationRow>(
      this.db.manager.query(
        `update conversation.conversations set idle_warned_at = now()
          where property_id = $1 and id in (
            select id from conversation.conversations
             where property_id = $1 and state in ('new', 'active') and idle_warned_at is null
               and last_inbound_at is not null and last_message_at < now() - make_interval(hours => $2)
             order by id limit $3 for update skip locked)
          returning ${FIELDS}`,
        [propertyId, hours, limit],
      ),
    );
  }

  /** Asked `hours` ago with no guest message since (one clears idle_warned_at): closes them. */
  async closeIdle(propertyId: string, hours: number, limit: number): Promise<string[]> {
    const rows = await rowsOf<{ id: string }>(
      this.db.manager.query(
        `update conversation.conversations set state = 'closed', closed_at = now(), version = version + 1
          where property_id = $1 and id in (
            select id from conversation.conversations
             where property_id = $1 and state in ('new', 'active') and idle_warned_at is not null
               and idle_warned_at < now() - make_interval(hours => $2)
             order by id limit $3 for update skip locked)
          returning id`,
        [propertyId, hours, limit],
      ),
    );
    return rows.map((r) => r.id);
  }

  /** Re-points a merged guest's conversations at the surviving profile (in the merge's transaction). */
  async moveGuest(propertyId: string, fromGuestId: string, toGuestId: string): Promise<void> {
    await this.db.manager.query(
      `update conversation.conversations set guest_id = $3, version = version + 1
        where property_id = $1 and guest_id = $2`,
      [propertyId, fromGuestId, toGuestId],
    );
  }
}
