import { GuestDirectory } from '@app/guest';
import {
  HandlesJob,
  type JobHandler,
  JobName,
  OutboxService,
  type PropertyJobPayload,
  TenantDb,
} from '@app/platform';
import { StayLookup } from '@app/reservation';
import { Injectable } from '@nestjs/common';

import { ConversationsRepository } from '../repositories/conversations.repository';
import { MessagesRepository } from '../repositories/messages.repository';
import { ChannelAccountsService } from '../services/channel-accounts.service';
import { KINDS } from '../services/channel-kinds';

export interface InboundMessagePayload extends PropertyJobPayload {
  messageId: string;
}

/**
 * Attaches a received message to its guest (found or created by channel identity), its stay
 * (current or next reservation) and the open conversation for that address on that account,
 * opening one if there is none. Idempotent: a processed message is skipped.
 */
@Injectable()
@HandlesJob(JobName.InboundMessage, 'property')
export class InboundMessageJob implements JobHandler<InboundMessagePayload> {
  constructor(
    private readonly db: TenantDb,
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly channels: ChannelAccountsService,
    private readonly guests: GuestDirectory,
    private readonly stays: StayLookup,
    private readonly outbox: OutboxService,
  ) {}

  async handle({ propertyId, messageId }: InboundMessagePayload): Promise<string | null> {
    const message = await this.messages.findById(propertyId, messageId, true);
    if (!message || message.processed_at || !message.sender_address) return null;
    const account = await this.channels.require(propertyId, message.channel_account_id);
    const type = KINDS[account.kind].type;
    // One open conversation per address and account, even when two messages arrive together.
    await this.db.manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `conversation:${propertyId}:${account.id}:${message.sender_address}`,
    ]);
    let conversation = await this.conversations.findOpen(propertyId, account.id, message.sender_address);
    if (!conversation) {
      const identity =
        type === 'email'
          ? { email: message.sender_address }
          : type === 'webchat'
            ? undefined
            : { phone: message.sender_address };
      if (!identity) return null; // web chat messages arrive through their session, not this job
      const { guestId } = await this.guests.findOrCreateByIdentity(identity);
      conversation = await this.conversations.insert(propertyId, {
        guestId,
        reservationId: await this.stays.currentOrNextReservationId(guestId),
        accountId: account.id,
        channelType: type,
        channelId: message.sender_address,
      });
      await this.outbox.publishEvent('conversation.created', { conversationId: conversation.id, guestId });
    }
    await this.messages.attach(propertyId, messageId, conversation.id);
    await this.conversations.touchInbound(
      propertyId,
      conversation.id,
      message.received_at ?? message.created_at,
    );
    await this.outbox.publishEvent('message.created', { conversationId: conversation.id, messageId });
    return conversation.id;
  }
}
