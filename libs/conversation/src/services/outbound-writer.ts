import { JobName, OutboxService } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ConversationRow } from '../repositories/conversations.repository';
import {
  type MessageRow,
  MessagesRepository,
  type MessageTemplate,
} from '../repositories/messages.repository';
import { MAX_LENGTH, splitMessage } from './channel-rules';

/**
 * Writes an outbound message the way every sender does (staff, the AI, the system): split on
 * sentence ends when longer than the channel takes (a template is never split), each part stored
 * and queued for delivery with its `message.created` event, in the caller's transaction.
 */
@Injectable()
export class OutboundWriter {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly outbox: OutboxService,
  ) {}

  async write(
    propertyId: string,
    conversation: ConversationRow,
    content: string,
    sender: {
      senderType: 'staff' | 'ai' | 'system';
      senderId: string | null;
      intent?: string;
      template?: MessageTemplate;
      /** The text as written before it was translated for the guest (kept on every part). */
      original?: { language: string; content: string };
    },
  ): Promise<MessageRow[]> {
    const max = MAX_LENGTH[conversation.channel_type];
    const parts = sender.template || !max ? [content] : splitMessage(content, max);
    const written: MessageRow[] = [];
    for (const part of parts) {
      const message = await this.messages.insertOutbound(propertyId, {
        accountId: conversation.channel_account_id,
        conversationId: conversation.id,
        content: part,
        internal: false,
        ...sender,
      });
      await this.outbox.enqueue(JobName.OutboundMessage, { messageId: message.id });
      await this.outbox.publishEvent('message.created', {
        conversationId: conversation.id,
        messageId: message.id,
      });
      written.push(message);
    }
    return written;
  }
}
