import {
  decodeTimeIdCursor,
  DependencyUnavailableException,
  keysetPage,
  MembershipsRepository,
  OutboxService,
  type PropertyAccess,
  RequestAudit,
  TenantDb,
  ValidationFailedException,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  type ConversationDto,
  type ConversationPageDto,
  type ListConversationsQueryDto,
  type MessageDto,
  type MessagePageDto,
  type ReplyDto,
  type ReplyResultDto,
  type TemplateReplyDto,
} from '../dtos/conversation.dto';
import {
  ConversationNotFoundException,
  InvalidStateTransitionException,
  RecipientOptedOutException,
  TemplateNotSupportedException,
  UnknownTemplateException,
  WhatsAppWindowClosedException,
} from '../exceptions/conversation.exceptions';
import {
  type ConversationRow,
  ConversationsRepository,
  type ConversationState,
} from '../repositories/conversations.repository';
import { type MessageRow, MessagesRepository } from '../repositories/messages.repository';
import { OptOutsRepository } from '../repositories/opt-outs.repository';
import { ChannelAccountsService } from './channel-accounts.service';
import { WHATSAPP_WINDOW_MS } from './channel-rules';
import { OutboundWriter } from './outbound-writer';
import { RealtimeService } from './realtime.service';
import { type ReplyTranslation, ReplyTranslators } from './reply-translators';
import {
  chooseTemplate,
  registeredTemplates,
  renderTemplate,
  type WhatsAppTemplate,
} from './whatsapp-templates';

/** Allowed state changes (reopen checks separately that no other conversation is open). */
const MOVES: Record<
  'escalate' | 'resolve' | 'close' | 'reopen',
  { from: ConversationState[]; to: ConversationState }
> = {
  escalate: { from: ['new', 'active'], to: 'escalated' },
  resolve: { from: ['new', 'active', 'escalated'], to: 'resolved' },
  close: { from: ['new', 'active', 'escalated', 'resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'active' },
};
export type ConversationMove = keyof typeof MOVES;

/** The staff inbox: conversations newest activity first, replies, notes, states. */
@Injectable()
export class InboxService {
  constructor(
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly optOuts: OptOutsRepository,
    private readonly memberships: MembershipsRepository,
    private readonly outbox: OutboxService,
    private readonly channels: ChannelAccountsService,
    private readonly realtime: RealtimeService,
    private readonly writer: OutboundWriter,
    private readonly translators: ReplyTranslators,
    private readonly db: TenantDb,
    private readonly requestAudit: RequestAudit,
  ) {}

  async list(access: PropertyAccess, q: ListConversationsQueryDto): Promise<ConversationPageDto> {
    const limit = q.limit ?? 25;
    const rows = await this.conversations.list(access.propertyId, {
      ...q,
      after: q.cursor ? decodeTimeIdCursor(q.cursor) : undefined,
      limit: limit + 1,
    });
    return keysetPage(rows, limit, conversationDto, (r) => [r.sort_key, r.id]);
  }

  async get(access: PropertyAccess, id: string): Promise<ConversationDto> {
    return conversationDto(await this.require(access.propertyId, id));
  }

  async messagePage(
    access: PropertyAccess,
    id: string,
    limit = 50,
    cursor?: string,
  ): Promise<MessagePageDto> {
    await this.require(access.propertyId, id);
    const rows = await this.messages.page(
      access.propertyId,
      id,
      cursor ? decodeTimeIdCursor(cursor) : undefined,
      limit + 1,
    );
    return keysetPage(rows, limit, messageDto, (r) => [r.sort_key, r.id]);
  }

  /**
   * A staff reply: stored and queued for delivery in one property transaction, split on sentence
   * ends when longer than the channel takes, or one registered WhatsApp template. It pauses the AI
   * so it never talks over staff. Free text is first translated into the guest's language when
   * the property's concierge does that (outside any transaction; the original is kept), unless
   * `translate` is false; should the translation fail, the reply goes out as written.
   */
  async reply(access: PropertyAccess, id: string, dto: ReplyDto): Promise<ReplyResultDto> {
    if (dto.content !== undefined && dto.template !== undefined && dto.template !== null)
      throw new ValidationFailedException([
        { field: 'template', code: 'exclusive', message: 'send either content or a template, not both' },
      ]);
    const translated =
      dto.content !== undefined && !dto.template && dto.translate !== false
        ? await this.translators.translate(access.propertyId, id, dto.content)
        : null;
    return this.db.run({ propertyId: access.propertyId, userId: access.userId }, () =>
      this.replyNow(access, id, dto, translated),
    );
  }

  private async replyNow(
    access: PropertyAccess,
    id: string,
    dto: ReplyDto,
    translated: ReplyTranslation | null,
  ): Promise<ReplyResultDto> {
    const conversation = await this.require(access.propertyId, id, true);
    const template = dto.template
      ? await this.template(access.propertyId, conversation, dto.template)
      : undefined;
    await this.assertSendable(access.propertyId, conversation, template !== undefined);
    const content = template
      ? renderTemplate(template.template, template.parameters)
      : (translated?.content ?? dto.content!);
    const written = await this.writer.write(access.propertyId, conversation, content, {
      senderType: 'staff',
      senderId: access.userId,
      original: translated?.original,
      template: template && {
        name: template.template.name,
        language: template.template.language,
        parameters: template.parameters,
        parameterNames:
          template.template.parameterFormat === 'named' ? template.template.variables : undefined,
        contentSid: template.template.contentSid,
      },
    });
    const updated = await this.conversations.set(access.propertyId, id, {
      aiMode: 'paused',
      state: conversation.state === 'new' ? 'active' : undefined,
      lastMessageAt: written[written.length - 1].created_at,
      unreadCount: 0,
    });
    await this.outbox.publishEvent('conversation.updated', { conversationId: id });
    // The route has its own transactions: its audit row commits with the reply, not after it.
    await this.requestAudit.recordNow();
    return { messages: written.map(messageDto), conversation: conversationDto(updated) };
  }

  /** The registered template a reply asks for, checked against the conversation's channel. */
  private async template(
    propertyId: string,
    conversation: ConversationRow,
    ask: TemplateReplyDto,
  ): Promise<{ template: WhatsAppTemplate; parameters: string[] }> {
    if (conversation.channel_type !== 'whatsapp')
      throw new TemplateNotSupportedException(conversation.channel_type);
    const account = await this.channels.require(propertyId, conversation.channel_account_id);
    const choice = chooseTemplate(registeredTemplates(account.settings), ask);
    if ('template' in choice) return choice;
    if (choice.problem === 'invalid_variables')
      throw new ValidationFailedException(choice.errors.map((e) => ({ ...e, code: 'invalidVariable' })));
    throw new UnknownTemplateException(choice.message, choice.problem === 'ambiguous_language');
  }

  /** An internal note: kept with the conversation, never sent. */
  async note(access: PropertyAccess, id: string, content: string): Promise<MessageDto> {
    const conversation = await this.require(access.propertyId, id);
    const message = await this.messages.insertOutbound(access.propertyId, {
      accountId: conversation.channel_account_id,
      conversationId: id,
      senderType: 'staff',
      senderId: access.userId,
      content,
      internal: true,
    });
    await this.outbox.publishEvent('message.created', { conversationId: id, messageId: message.id });
    return messageDto(message);
  }

  async assign(access: PropertyAccess, id: string, userId: string | null): Promise<ConversationDto> {
    const conversation = await this.require(access.propertyId, id, true);
    if (userId && (await this.memberships.accessFor(userId, access.propertyId)).length === 0)
      throw new ValidationFailedException([
        { field: 'userId', code: 'notStaff', message: 'userId must be active staff of this property' },
      ]);
    return this.change(access, conversation, {
      assignedTo: userId,
      state: conversation.state === 'new' && userId ? 'active' : undefined,
    });
  }

  async move(access: PropertyAccess, id: string, move: ConversationMove): Promise<ConversationDto> {
    const conversation = await this.require(access.propertyId, id, true);
    const rule = MOVES[move];
    if (!rule.from.includes(conversation.state))
      throw new InvalidStateTransitionException(conversation.state, move);
    if (move === 'reopen') {
      // Under the address's lock, as an inbound message opening a conversation takes it.
      const open = await this.conversations.lockOpen(
        access.propertyId,
        conversation.channel_account_id,
        conversation.channel_id,
      );
      if (open) throw new InvalidStateTransitionException(conversation.state, 'reopen while another is open');
    }
    return this.change(access, conversation, { state: rule.to });
  }

  async setAiMode(access: PropertyAccess, id: string, mode: 'auto' | 'paused'): Promise<ConversationDto> {
    return this.change(access, await this.require(access.propertyId, id, true), { aiMode: mode });
  }

  /** Ephemeral: the web chat visitor sees staff typing, and so do other staff screens. */
  async typing(access: PropertyAccess, id: string): Promise<void> {
    const conversation = await this.require(access.propertyId, id);
    try {
      if (conversation.channel_type === 'webchat')
        await this.realtime.publish(`webchat:${conversation.channel_id}`, {
          type: 'typing',
          data: { sender: 'staff' },
        });
      await this.realtime.publish(`property:${access.propertyId}`, {
        type: 'conversation.typing',
        data: { conversationId: id, sender: 'staff', userId: access.userId },
      });
    } catch {
      throw new DependencyUnavailableException('redis_unavailable', 'Live updates are briefly unavailable.');
    }
  }

  async markRead(access: PropertyAccess, id: string): Promise<ConversationDto> {
    return this.change(access, await this.require(access.propertyId, id, true), { unreadCount: 0 });
  }

  private async change(
    access: PropertyAccess,
    conversation: ConversationRow,
    change: Parameters<ConversationsRepository['set']>[2],
  ): Promise<ConversationDto> {
    const updated = await this.conversations.set(access.propertyId, conversation.id, change);
    await this.outbox.publishEvent('conversation.updated', { conversationId: conversation.id });
    return conversationDto(updated);
  }

  /** Channel rules a reply must meet before it is accepted (the send re-checks them). */
  private async assertSendable(propertyId: string, c: ConversationRow, template: boolean): Promise<void> {
    if (c.channel_type === 'sms' && (await this.optOuts.isOptedOut(propertyId, 'sms', c.channel_id)))
      throw new RecipientOptedOutException();
    if (
      c.channel_type === 'whatsapp' &&
      !template &&
      (!c.last_inbound_at || Date.now() - new Date(c.last_inbound_at).getTime() > WHATSAPP_WINDOW_MS)
    )
      throw new WhatsAppWindowClosedException();
  }

  private async require(propertyId: string, id: string, forUpdate = false): Promise<ConversationRow> {
    const row = await this.conversations.findById(propertyId, id, forUpdate);
    if (!row) throw new ConversationNotFoundException();
    return row;
  }
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function conversationDto(c: ConversationRow): ConversationDto {
  return {
    id: c.id,
    guestId: c.guest_id,
    reservationId: c.reservation_id,
    channelId: c.channel_account_id,
    channelType: c.channel_type,
    address: c.channel_id,
    state: c.state,
    assignedTo: c.assigned_to,
    priority: c.priority,
    aiMode: c.ai_mode,
    unreadCount: c.unread_count,
    lastMessageAt: iso(c.last_message_at),
    lastInboundAt: iso(c.last_inbound_at),
    resolvedAt: iso(c.resolved_at),
    version: c.version,
    createdAt: new Date(c.created_at).toISOString(),
  };
}

export function messageDto(m: MessageRow): MessageDto {
  return {
    id: m.id,
    direction: m.direction,
    senderType: m.sender_type,
    senderId: m.sender_id,
    internal: m.internal,
    content: m.content,
    contentType: m.content_type,
    media: m.media,
    template: m.template && {
      name: m.template.name,
      language: m.template.language,
      parameters: m.template.parameters,
    },
    translation: m.translation && { language: m.translation.language, content: m.translation.content },
    original: m.original,
    deliveryStatus: m.delivery_status,
    deliveryError: m.delivery_error,
    createdAt: new Date(m.created_at).toISOString(),
  };
}
