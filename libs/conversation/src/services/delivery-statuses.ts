import { OutboxService } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  DeliveriesRepository,
  type DeliveryStatus,
  ParkedStatusesRepository,
} from '../repositories/deliveries.repository';

const ORDER: DeliveryStatus[] = ['sent', 'delivered', 'read', 'failed'];

/**
 * Delivery statuses of outbound messages, from the send's own answer and from providers' status
 * callbacks. Statuses only move forward (`failed` always wins) and each change is a
 * `message.status` event. A callback can beat the send's answer (the provider knows the message id
 * before we have written it): it is parked and applied when the answer is recorded. Both sides
 * take the same lock on the provider id, so none slips between the two.
 */
@Injectable()
export class DeliveryStatuses {
  constructor(
    private readonly deliveries: DeliveriesRepository,
    private readonly parked: ParkedStatusesRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** A status callback about a provider message id (inside the property's transaction). */
  async report(
    propertyId: string,
    accountId: string,
    channelMessageId: string,
    status: DeliveryStatus,
    error?: string,
  ): Promise<void> {
    await this.parked.lock(accountId, channelMessageId);
    const changed = await this.advance(propertyId, { channelMessageId, accountId }, status, error);
    if (!changed && !(await this.parked.isKnown(propertyId, accountId, channelMessageId)))
      await this.parked.park(propertyId, accountId, channelMessageId, status, error);
  }

  /** The send's answer: the message is `sent` under its provider id, then anything parked for it applies. */
  async recordSent(
    propertyId: string,
    accountId: string,
    messageId: string,
    channelMessageId: string,
  ): Promise<void> {
    await this.parked.lock(accountId, channelMessageId);
    await this.advance(propertyId, { messageId }, 'sent', undefined, channelMessageId);
    const early = await this.parked.take(propertyId, accountId, channelMessageId);
    early.sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status));
    for (const s of early)
      await this.advance(propertyId, { messageId }, s.status, s.error ?? undefined, channelMessageId);
  }

  /** A send that failed for good (or was refused before it reached the provider). */
  async recordFailed(propertyId: string, messageId: string, error: string): Promise<void> {
    await this.advance(propertyId, { messageId }, 'failed', error);
  }

  private async advance(
    propertyId: string,
    where: { messageId?: string; channelMessageId?: string; accountId?: string },
    status: DeliveryStatus,
    error?: string,
    channelMessageId?: string,
  ): Promise<boolean> {
    const changed = await this.deliveries.advanceMessage(propertyId, where, status, {
      error,
      channelMessageId,
    });
    if (changed)
      await this.outbox.publishEvent('message.status', {
        conversationId: changed.conversation_id,
        messageId: changed.id,
        status,
      });
    return changed !== undefined;
  }
}
