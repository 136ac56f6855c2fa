import { OutboxService, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ConversationsRepository } from '../repositories/conversations.repository';
import {
  type BriefMessageRow,
  MessagesRepository,
  type MessageTranslation,
} from '../repositories/messages.repository';
import { OutboundWriter } from './outbound-writer';
import { RealtimeService } from './realtime.service';

/** A guest message with its conversation, as the concierge reads it. */
export interface InboundContext {
  messageId: string;
  content: string;
  contentType: string;
  receivedAt: Date;
  conversationId: string;
  guestId: string;
  reservationId: string | null;
  channelType: string;
  state: string;
  aiMode: 'auto' | 'paused';
  guestLanguage: string | null;
  /** When staff last replied in the conversation. */
  lastStaffReplyAt: Date | null;
  /** The intent of the last outbound message (the concierge's line kinds are intents). */
  lastOutboundIntent: string | null;
}

export type ConversationPriority = 'urgent' | 'high' | 'normal' | 'low';

/**
 * The conversation context's public gateway (through index.ts) for the concierge: read a guest
 * message in context, record what was understood, reply, and hand a conversation to staff. Runs
 * inside the caller's property transaction; replies are queued for delivery through the outbox.
 */
@Injectable()
export class ConversationGateway {
  constructor(
    private readonly db: TenantDb,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly outbox: OutboxService,
    private readonly realtime: RealtimeService,
    private readonly writer: OutboundWriter,
  ) {}

  /** A guest's inbound message attached to its conversation; undefined for anything else. */
  async inbound(messageId: string): Promise<InboundContext | undefined> {
    const m = await this.messages.inboundContext(this.db.propertyId, messageId);
    return (
      m && {
        messageId: m.id,
        content: m.content,
        contentType: m.content_type,
        receivedAt: m.received_at,
        conversationId: m.conversation_id,
        guestId: m.guest_id,
        reservationId: m.reservation_id,
        channelType: m.channel_type,
        state: m.state,
        aiMode: m.ai_mode,
        guestLanguage: m.guest_language,
        lastStaffReplyAt: m.last_staff_reply_at,
        lastOutboundIntent: m.last_outbound_intent,
      }
    );
  }

  /** The messages of the conversation before a guest message, oldest first: who said what. */
  async history(
    ctx: Pick<InboundContext, 'messageId' | 'conversationId'>,
    limit: number,
  ): Promise<{ from: 'guest' | 'ai' | 'staff' | 'system'; content: string; at: Date }[]> {
    const rows = await this.messages.recentBefore(
      this.db.propertyId,
      ctx.conversationId,
      ctx.messageId,
      limit,
    );
    return rows.map((m) => ({ from: m.sender_type, content: m.content, at: m.created_at }));
  }

  /** Keeps a guest message's translation into the property's language, for staff. */
  async recordTranslation(messageId: string, translation: MessageTranslation): Promise<void> {
    await this.messages.setTranslation(this.db.propertyId, messageId, translation);
    const m = await this.messages.findById(this.db.propertyId, messageId);
    if (m?.conversation_id)
      await this.outbox.publishEvent('message.updated', { conversationId: m.conversation_id, messageId });
  }

  /** A conversation's guest, state and language; undefined when there is none. */
  async conversation(
    conversationId: string,
  ): Promise<{ guestId: string; state: string; guestLanguage: string | null } | undefined> {
    const c = await this.conversations.findById(this.db.propertyId, conversationId);
    return c && { guestId: c.guest_id, state: c.state, guestLanguage: c.guest_language };
  }

  /** Keeps the intent, confidence and entities on the message, the language and intent on the conversation. */
  async recordUnderstanding(
    ctx: Pick<InboundContext, 'messageId' | 'conversationId'>,
    understood: { language: string; intent: string; confidence: number; entities: Record<string, unknown> },
  ): Promise<void> {
    await this.messages.annotate(this.db.propertyId, ctx.messageId, ctx.conversationId, understood);
  }

  /**
   * Sends a message from the AI (or the system) to the guest: split to the channel's length and
   * queued for delivery with the message rows. Returns the first message's id.
   */
  async send(
    conversationId: string,
    message: { content: string; intent: string; senderType: 'ai' | 'system'; senderId?: string | null },
  ): Promise<string> {
    const propertyId = this.db.propertyId;
    const sender = {
      senderType: message.senderType,
      senderId: message.senderId ?? null,
      intent: message.intent,
    };
    // Most replies fit every channel: stored and the conversation moved in one statement.
    const unsplit = await this.writer.writeUnsplit(propertyId, conversationId, message.content, sender);
    if (unsplit === undefined) throw new Error(`conversation ${conversationId} is gone`);
    if (unsplit) return unsplit.id;
    const c = await this.conversations.findById(propertyId, conversationId);
    if (!c) throw new Error(`conversation ${conversationId} is gone`);
    const [first] = await this.writer.write(propertyId, c, message.content, sender);
    await this.conversations.set(propertyId, conversationId, { lastMessageAt: new Date() });
    return first.id;
  }

  /**
   * Hands the conversation to staff: escalated, priority raised, and the department's screens
   * alerted (an urgent one at once, through the live stream; every one through the outbox event).
   */
  async escalate(
    conversationId: string,
    escalation: {
      priority: ConversationPriority;
      reason: string;
      department: string;
      intent: string;
      messageId: string;
    },
  ): Promise<boolean> {
    const propertyId = this.db.propertyId;
    const { priority, ...details } = escalation;
    const done = await this.conversations.escalate(propertyId, conversationId, priority, details);
    if (!done) return false;
    await this.outbox.publishEvent('conversation.escalated', {
      conversationId,
      priority,
      reason: details.reason,
      department: details.department,
    });
    await this.outbox.publishEvent('conversation.updated', { conversationId });
    if (priority === 'urgent') {
      // Best effort and immediate; the outbox event above is the durable record.
      await this.realtime
        .publish(`property:${propertyId}`, {
          type: 'conversation.alert',
          data: { conversationId, priority, reason: details.reason, department: details.department },
        })
        .catch(() => undefined);
    }
    return true;
  }

  /** Median first-response times (seconds) of guest messages received in a period, AI and staff apart. */
  firstResponseMedians(from: string, to: string) {
    return this.messages.firstResponseMedians(this.db.propertyId, from, to);
  }

  /** A message of the conversation (staff feedback on AI replies); undefined when it has none such. */
  async message(conversationId: string, messageId: string): Promise<ConversationMessage | undefined> {
    const m = await this.messages.inConversation(this.db.propertyId, conversationId, messageId);
    return m && briefMessage(m);
  }

  /** The guest's last message before a message of the conversation: what an AI reply answered. */
  async guestMessageBefore(
    conversationId: string,
    messageId: string,
  ): Promise<ConversationMessage | undefined> {
    const m = await this.messages.guestMessageBefore(this.db.propertyId, conversationId, messageId);
    return m && briefMessage(m);
  }

  /** For each guest message, what staff first replied after it in its conversation (when they did). */
  async firstStaffReplies(messageIds: string[]): Promise<Map<string, string>> {
    const rows = await this.messages.firstStaffRepliesAfter(this.db.propertyId, messageIds);
    return new Map(rows.map((r) => [r.message_id, r.content]));
  }
}

/** A message as another context reads it: who sent it, what it says, when. */
export interface ConversationMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  senderType: 'guest' | 'ai' | 'staff' | 'system';
  /** An internal note, never sent to the guest. */
  internal: boolean;
  content: string;
  createdAt: Date;
}

const briefMessage = (m: BriefMessageRow): ConversationMessage => ({
  id: m.id,
  conversationId: m.conversation_id,
  direction: m.direction,
  senderType: m.sender_type,
  internal: m.internal,
  content: m.content,
  createdAt: m.created_at,
});
