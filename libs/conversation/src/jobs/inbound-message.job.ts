import { GuestDirectory, type GuestProfile } from '@app/guest';
import {
  HandlesJob,
  type JobHandler,
  JobName,
  orderedUuidv7,
  OutboxService,
  PropertiesRepository,
  type PropertyJobPayload,
  TenantDb,
} from '@app/platform';
import { StayLookup, stayOfConversation, type Stays } from '@app/reservation';
import { Injectable } from '@nestjs/common';

import { type ChannelAccountRow } from '../repositories/channel-accounts.repository';
import { type ConversationRow, ConversationsRepository } from '../repositories/conversations.repository';
import { type MessageRow, MessagesRepository } from '../repositories/messages.repository';
import { OptOutsRepository } from '../repositories/opt-outs.repository';
import { ChannelAccountsService } from '../services/channel-accounts.service';
import { KINDS } from '../services/channel-kinds';
import { KEYWORD_REPLY, smsKeyword } from '../services/channel-rules';
import { type AttachedTo, InboundHandoff } from '../services/inbound-handoff';

const references = (entities: Record<string, unknown> | null): string[] =>
  Array.isArray(entities?.references)
    ? entities.references.filter((r): r is string => typeof r === 'string')
    : [];

const HELP_TEXT = 'Reply to this number to reach the hotel. Reply STOP to opt out, START to opt back in.';

export interface InboundMessagePayload extends PropertyJobPayload {
  messageId: string;
}

/** The conversation a message is attached to, as the job knows it. */
interface NewlyAttached {
  id: string;
  guestId: string;
  channelId: string;
  /** The guest as the job read it, when it opened the conversation. */
  guest?: { profile: GuestProfile; stays: Stays };
}

/** What attaching a message left to do. */
interface Attached {
  /** Its conversation; null when it is not a message this job attaches. */
  conversationId: string | null;
  /** It goes on to the registered inbound handler (the concierge). */
  handOff: boolean;
  /** The conversation's guest, when this job read or made it (a hint for the handler). */
  guestId?: string;
  /** The conversation this job opened, with the guest's profile and stays as it read them. */
  opened?: AttachedTo['opened'];
  /**
   * The attachment's write, asked for and not yet answered: what runs next in the transaction
   * (the handler's reads) leaves in the same write, behind it. Its answer must be awaited.
   */
  written?: Promise<unknown>;
}

/**
 * One job per received message. In a property transaction: attach the message to its guest
 * (found or created by channel identity), its stay (current or next reservation) and the open
 * conversation for that address on that account, opening one if there is none, and hand it to
 * the registered inbound handler (the concierge) in the same transaction; what the handler left
 * for later (a call to an LLM) runs once it has committed, in transactions of its own. The job's
 * retry is the durability: should the handler fail, the attachment rolls back with it and the
 * retry starts over; should what it left for later fail, the retry finds the message attached
 * and goes straight to the handler, which is idempotent. With no handler registered the job
 * leaves a concierge job in the outbox instead.
 */
@Injectable()
@HandlesJob(JobName.InboundMessage, 'property-steps')
export class InboundMessageJob implements JobHandler<InboundMessagePayload> {
  constructor(
    private readonly db: TenantDb,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly guests: GuestDirectory,
    private readonly stays: StayLookup,
    private readonly optOuts: OptOutsRepository,
    private readonly outbox: OutboxService,
    private readonly handoff: InboundHandoff,
    private readonly properties: PropertiesRepository,
  ) {}

  async handle({ propertyId, messageId }: InboundMessagePayload): Promise<string> {
    const next = await this.db.run({ propertyId }, async () => {
      const attached = await this.attachStep(propertyId, messageId);
      if (!attached.handOff) {
        await attached.written;
        return attached.conversationId ? 'attached' : 'skipped';
      }
      // The attachment's answer is read with the handler's first (a failed write fails them both).
      const [, handled] = await Promise.all([
        attached.written,
        this.handoff.handle(propertyId, messageId, {
          guestId: attached.guestId ?? null,
          opened: attached.opened,
        }),
      ]);
      return handled;
    });
    return typeof next === 'string' ? next : next();
  }

  /**
   * The first step alone, in the caller's property transaction: the message's conversation, or
   * null when it is not one this job attaches.
   */
  async attach({ propertyId, messageId }: InboundMessagePayload): Promise<string | null> {
    const attached = await this.attachStep(propertyId, messageId);
    await attached.written;
    return attached.conversationId;
  }

  private async attachStep(propertyId: string, messageId: string): Promise<Attached> {
    // The message (locked) and its channel account in one read. Asked for with it, in the same
    // write: the property's row (its country, time zone and settings, which the guest and stay
    // lookups and the concierge read), and the lock that keeps one open conversation per address
    // and account, with that open conversation (taken after the message's lock, as PostgreSQL runs
    // them in order; none for a message attached already).
    const [found, , locked] = await Promise.all([
      this.messages.findWithAccount(propertyId, messageId),
      this.properties.findById(propertyId),
      this.conversations.lockOpenOfMessage(propertyId, messageId),
    ]);
    const message = found?.message;
    if (!message || !message.sender_address) return { conversationId: null, handOff: false };
    const accountOf = async () =>
      found.account ?? (await this.channels.require(propertyId, message.channel_account_id));
    if (message.processed_at) {
      // Attached by an earlier attempt, whose second step may not have finished.
      if (!message.conversation_id || !this.handoff.registered)
        return { conversationId: message.conversation_id, handOff: false };
      const account = await accountOf();
      const keyword = KINDS[account.kind].type === 'sms' && smsKeyword(message.content) !== null;
      return { conversationId: message.conversation_id, handOff: !keyword };
    }
    const account = await accountOf();
    const type = KINDS[account.kind].type;
    // One open conversation per address and account, even when two messages arrive together: the
    // address's lock first (taken with the first read). An email answering one of ours joins that thread.
    const open =
      type === 'email'
        ? await this.emailConversation(propertyId, account.id, locked, message.entities)
        : locked;
    const into = open
      ? {
          conversation: { id: open.id, guestId: open.guest_id, channelId: open.channel_id },
          written: this.messages.attach(
            propertyId,
            messageId,
            open.id,
            message.received_at ?? message.created_at,
          ),
        }
      : await this.openConversation(propertyId, account, message);
    if (!into) return { conversationId: null, handOff: false };
    const { conversation, written } = into;
    written.catch(() => undefined); // its caller awaits it; not an unhandled rejection meanwhile
    await this.outbox.publishEvent('message.created', { conversationId: conversation.id, messageId });
    // STOP/START/HELP are answered by the channel rules; anything else goes to the concierge.
    if (type === 'sms' && smsKeyword(message.content) !== null) {
      await written; // its error, rather than the aborted transaction's, should it fail
      await this.keyword(propertyId, account, conversation, message.content);
      return { conversationId: conversation.id, handOff: false };
    }
    if (this.handoff.registered)
      return {
        conversationId: conversation.id,
        handOff: true,
        guestId: conversation.guestId,
        opened: conversation.guest && { conversationId: conversation.id, ...conversation.guest },
        written,
      };
    await this.outbox.enqueue(JobName.ConciergeProcess, { messageId });
    return { conversationId: conversation.id, handOff: false, written };
  }

  /**
   * A new conversation for a received message, with its guest (found or made by the sender's
   * address) and stay; undefined for a web chat message, which arrives through its session. The
   * insert is asked for and not waited for (`written`): its id is made here.
   */
  private async openConversation(
    propertyId: string,
    account: ChannelAccountRow,
    message: MessageRow,
  ): Promise<{ conversation: NewlyAttached; written: Promise<unknown> } | undefined> {
    const type = KINDS[account.kind].type;
    const address = message.sender_address!;
    const identity =
      type === 'email' ? { email: address } : type === 'webchat' ? undefined : { phone: address };
    if (!identity) return undefined;
    const { guestId, created, profile } = await this.guests.findOrCreateByIdentity(identity);
    // A guest made just now has no reservations; the stays read here go to the handler too.
    const stays: Stays = created
      ? { on: await this.stays.today(), current: null, next: null }
      : await this.stays.staysOf(guestId);
    const conversation = { id: orderedUuidv7(), guestId, channelId: address, guest: { profile, stays } };
    const written = this.conversations.insertWithFirstMessage(
      propertyId,
      {
        id: conversation.id,
        guestId,
        reservationId: stayOfConversation(stays)?.reservationId ?? null,
        accountId: account.id,
        channelType: type,
        channelId: address,
      },
      { id: message.id, receivedAt: message.received_at ?? message.created_at },
    );
    written.catch(() => undefined); // awaited by the job; not an unhandled rejection meanwhile
    await this.outbox.publishEvent('conversation.created', { conversationId: conversation.id, guestId });
    return { conversation, written };
  }

  /**
   * An email's conversation: the thread it answers, else the open conversation of its address
   * (`open`, read under the address's lock, taken first as for every channel).
   */
  private async emailConversation(
    propertyId: string,
    accountId: string,
    open: ConversationRow | undefined,
    entities: MessageRow['entities'],
  ): Promise<ConversationRow | undefined> {
    const referenced = await this.messages.conversationReferenced(
      propertyId,
      accountId,
      references(entities),
    );
    return referenced && referenced !== open?.id
      ? this.conversations.findById(propertyId, referenced, true)
      : open;
  }

  /** STOP-style words record an opt-out, START-style words lift it, HELP gets the help text. */
  private async keyword(
    propertyId: string,
    account: ChannelAccountRow,
    conversation: { id: string; channelId: string },
    content: string,
  ): Promise<boolean> {
    const keyword = smsKeyword(content);
    if (!keyword) return false;
    const address = conversation.channelId;
    if (keyword === 'opt_out') await this.optOuts.optOut(propertyId, 'sms', address);
    if (keyword === 'opt_in') await this.optOuts.optIn(propertyId, 'sms', address);
    const reply = {
      opt_out: `You will get no more messages from ${account.name}. Reply START to receive them again.`,
      opt_in: `You will receive messages from ${account.name} again. Reply STOP to opt out.`,
      help: typeof account.settings.helpText === 'string' ? account.settings.helpText : HELP_TEXT,
    }[keyword];
    const message = await this.messages.insertOutbound(propertyId, {
      accountId: account.id,
      conversationId: conversation.id,
      senderType: 'system',
      senderId: null,
      content: reply,
      internal: false,
      intent: KEYWORD_REPLY,
    });
    await this.outbox.enqueue(JobName.OutboundMessage, { messageId: message.id });
    return true;
  }
}
