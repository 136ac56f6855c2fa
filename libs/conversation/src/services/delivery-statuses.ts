import { OutboxService, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

import {
  DeliveriesRepository,
  type DeliveryStatus,
  ParkedStatusesRepository,
  type SendRef,
  type SendResult,
} from '../repositories/deliveries.repository';

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
    private readonly db: TenantDb,
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

  /**
   * A send's outcome, in one statement: the delivery, then the message. `sent` records the provider
   * id under the same lock the callbacks take, then applies anything parked for it (in status
   * order); `failed` (for good, or refused before it reached the provider) is final.
   */
  async recordOutcome(propertyId: string, send: SendRef, result: SendResult): Promise<void> {
    const changes = await this.deliveries.recordOutcome(propertyId, send, result);
    for (const c of changes)
      await this.outbox.publishEvent('message.status', {
        conversationId: c.conversation_id,
        messageId: c.message_id,
        status: c.status,
      });
  }

  /**
   * `recordOutcome` in a transaction of its own, for the send job once the provider has answered:
   * one round trip when `message.status` events need no outbox row (they then go out right after),
   * else a property transaction as usual.
   */
  async recordSendResult(propertyId: string, send: SendRef, result: SendResult): Promise<void> {
    if (!this.outbox.liveOnly('message.status')) {
      await this.db.run({ propertyId }, () => this.recordOutcome(propertyId, send, result));
      return;
    }
    const changes = await this.deliveries.recordOutcomeAlone(propertyId, send, result);
    await this.outbox.deliverCommitted(
      propertyId,
      changes.map((c) => ({
        type: 'message.status',
        data: { conversationId: c.conversation_id, messageId: c.message_id, status: c.status },
      })),
    );
  }

  private async advance(
    propertyId: string,
    where: { channelMessageId: string; accountId: string },
    status: DeliveryStatus,
    error?: string,
  ): Promise<boolean> {
    const changed = await this.deliveries.advanceMessage(propertyId, where, status, { error });
    if (changed)
      await this.outbox.publishEvent('message.status', {
        conversationId: changed.conversation_id,
        messageId: changed.id,
        status,
      });
    return changed !== undefined;
  }
}
