import {
  HandlesJob,
  type JobHandler,
  JobName,
  OutboxService,
  PropertiesRepository,
  type PropertyJobPayload,
  QueueProducer,
  withDefaults,
} from '@app/platform';
import { Injectable } from '@nestjs/common';

import { ConversationsRepository } from '../repositories/conversations.repository';
import { ParkedStatusesRepository } from '../repositories/deliveries.repository';
import { MessagesRepository } from '../repositories/messages.repository';
import { WebchatSessionsRepository } from '../repositories/webchat-sessions.repository';

const IDLE_QUESTION =
  'Is there anything else we can help you with? If not, this conversation will close soon.';
/** Up to this many conversations per property and sweep (the next sweep takes the rest). */
const BATCH = 200;

/**
 * The quarter-hour conversation sweep: fans the idle sweep out, one job per property, and drops
 * web chat tokens that expired over a day ago from the platform directory.
 */
@Injectable()
@HandlesJob(JobName.ConversationIdleSweepAll, 'platform')
export class IdleConversationsAllJob implements JobHandler {
  constructor(
    private readonly properties: PropertiesRepository,
    private readonly producer: QueueProducer,
    private readonly webchatSessions: WebchatSessionsRepository,
  ) {}

  async handle(): Promise<number> {
    await this.webchatSessions.pruneTokens();
    const slot = Math.floor(Date.now() / (15 * 60 * 1000));
    const ids = await this.properties.listIds();
    for (const id of ids)
      await this.producer.add(JobName.ConversationIdleSweep, { propertyId: id }, `idle:${id}:${slot}`);
    return ids.length;
  }
}

/**
 * Conversations the guest went quiet in (new or active; escalated ones are staff's to close):
 * after `idleWarnHours` the guest is asked if they need more, `idleCloseHours` after that the
 * conversation closes. A guest message in between starts the clock again.
 */
@Injectable()
@HandlesJob(JobName.ConversationIdleSweep, 'property')
export class IdleConversationsJob implements JobHandler<PropertyJobPayload> {
  constructor(
    private readonly properties: PropertiesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly messages: MessagesRepository,
    private readonly outbox: OutboxService,
  ) {}

  async handle({ propertyId }: PropertyJobPayload): Promise<{ warned: number; closed: number }> {
    const property = await this.properties.findById(propertyId);
    if (!property) return { warned: 0, closed: 0 };
    const { idleWarnHours, idleCloseHours } = withDefaults(property.name, property.settings).conversations;
    const closed = await this.conversations.closeIdle(propertyId, idleCloseHours, BATCH);
    for (const id of closed) await this.outbox.publishEvent('conversation.updated', { conversationId: id });
    const idle = await this.conversations.markIdle(propertyId, idleWarnHours, BATCH);
    for (const c of idle) {
      const message = await this.messages.insertOutbound(propertyId, {
        accountId: c.channel_account_id,
        conversationId: c.id,
        senderType: 'system',
        senderId: null,
        content: IDLE_QUESTION,
        internal: false,
        intent: 'idle_check',
      });
      await this.outbox.enqueue(JobName.OutboundMessage, { messageId: message.id });
    }
    return { warned: idle.length, closed: closed.length };
  }
}

/** Daily: delivery callbacks parked a week for messages never recorded as ours are forgotten. */
@Injectable()
@HandlesJob(JobName.ConversationPrune, 'property')
export class ConversationPruneJob implements JobHandler<PropertyJobPayload> {
  constructor(private readonly parked: ParkedStatusesRepository) {}

  handle({ propertyId }: PropertyJobPayload): Promise<number> {
    return this.parked.prune(propertyId, 7);
  }
}
