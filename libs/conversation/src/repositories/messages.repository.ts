import { rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface MediaItem {
  type: string;
  url: string;
  mimeType: string | null;
  size: number | null;
}

export interface InboundMessage {
  channelMessageId: string;
  from: string;
  content: string;
  contentType: 'text' | 'image' | 'audio' | 'video' | 'document' | 'location';
  media: MediaItem[];
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
  channel_message_id: string | null;
  delivery_status: string | null;
  delivery_error: string | null;
  received_at: Date | null;
  processed_at: Date | null;
  created_at: Date;
}

const FIELDS = `id, channel_account_id, conversation_id, direction, sender_type, sender_id, sender_address, internal,
  content, content_type, media, channel_message_id, delivery_status, delivery_error, received_at, processed_at,
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
                content, content_type, media, channel_message_id, received_at)
         values ($1, $2, 'inbound', 'guest', $3, $4, $5, $6, $7, now())
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
        ],
      ),
    );
    return rows[0]?.id;
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
}
