import { JobName, OutboxService } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { type ConversationRow } from '../repositories/conversations.repository';
import {
  type MessageRow,
  MessagesRepository,
  type MessageTemplate,
} from '../repositories/messages.repository';
import { MAX_LENGTH, splitMessage } from './channel-rules';

/** Content no channel splits. */
const UNSPLIT = Math.min(...Object.values(MAX_LENGTH));

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

  /**
   * A reply from the AI or the system that no channel splits, written without the conversation's
   * row in hand: stored and the conversation moved in one statement, then queued like any other.
   * Null when the content is long enough that a channel may split it (use `write`); undefined when
   * the conversation is gone.
   */
  async writeUnsplit(
    propertyId: string,
    conversationId: string,
    content: string,
    sender: { senderType: 'ai' | 'system'; senderId: string | null; intent?: string },
  ): Promise<MessageRow | undefined | null> {
    if (content.length > UNSPLIT) return null;
    const message = await this.messages.insertReply(propertyId, conversationId, { ...sender, content });
    if (!message) return undefined;
    await this.outbox.enqueue(JobName.OutboundMessage, { messageId: message.id });
    await this.outbox.publishEvent('message.created', { conversationId, messageId: message.id });
    return message;
  }
}
