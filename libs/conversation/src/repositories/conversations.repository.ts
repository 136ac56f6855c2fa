import { rowsOf, TenantDb } from '@app/platform';
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

/** conversation.conversations. */
@Injectable()
export class ConversationsRepository {
  constructor(private readonly db: TenantDb) {}

  /** The open conversation (new, active or escalated) with this address on this account. */
  async findOpen(
    propertyId: string,
    accountId: string,
    channelId: string,
  ): Promise<ConversationRow | undefined> {
    const rows = await rowsOf<ConversationRow>(
      this.db.manager.query(
        `select ${FIELDS} from conversation.conversations
          where property_id = $1 and channel_account_id = $2 and channel_id = $3
            and state in ('new', 'active', 'escalated') for update`,
        [propertyId, accountId, channelId],
      ),
    );
    return rows[0];
  }

  async insert(
    propertyId: string,
    c: {
      guestId: string;
      reservationId: string | null;
      accountId: string;
      channelType: ChannelType;
      channelId: string;
    },
  ): Promise<ConversationRow> {
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

  /** A guest message arrived: it counts as unread and opens the WhatsApp service window. */
  async touchInbound(propertyId: string, id: string, at: Date): Promise<void> {
    await this.db.manager.query(
      `update conversation.conversations
          set last_message_at = greatest(last_message_at, $3), last_inbound_at = greatest(last_inbound_at, $3),
              unread_count = unread_count + 1, version = version + 1
        where property_id = $1 and id = $2`,
      [propertyId, id, at],
    );
  }
}
