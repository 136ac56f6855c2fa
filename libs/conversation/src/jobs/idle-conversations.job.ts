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
import { Injectable, Logger } from '@nestjs/common';

import { ConversationsRepository } from '../repositories/conversations.repository';
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

  private readonly logger = new Logger(IdleConversationsAllJob.name);

  async handle(): Promise<number> {
    // Housekeeping must not hold up the sweep.
    await this.webchatSessions
      .pruneTokens()
      .catch((err: Error) => this.logger.warn(`web chat tokens not pruned: ${err.message}`));
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
