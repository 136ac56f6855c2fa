import {
  DeferJob,
  HandlesJob,
  type JobHandler,
  JobName,
  type PropertyJobPayload,
  TenantDb,
  within,
} from '@app/platform';
import { Injectable, Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';

import { DeliveriesRepository, type DeliveryRow } from '../repositories/deliveries.repository';
import { MessagesRepository } from '../repositories/messages.repository';
import { ChannelAccountsService } from '../services/channel-accounts.service';
import { KINDS } from '../services/channel-kinds';
import { KEYWORD_REPLY, sendRefusal } from '../services/channel-rules';
import { type OutboundSend } from '../services/channel-sender';
import { ChannelSenders } from '../services/channel-senders';
import { DeliveryStatuses } from '../services/delivery-statuses';
import { ProviderError } from '../services/provider-error';
import { SendRateLimiter } from '../services/send-rate-limiter';

export interface OutboundMessagePayload extends PropertyJobPayload {
  messageId: string;
}

interface Send {
  /** The delivery's claim, answered once the claim's transaction has committed (undefined: sent or failed already). */
  claim: Promise<DeliveryRow | undefined>;
  conversationId: string;
  outbound: OutboundSend;
}

/** Not yet: the job goes back to the delayed set for this long. */
interface Later {
  deferMs: number;
  reason: string;
}

/** An earlier message of the conversation still on its way holds later ones back: rechecked within these bounds. */
const ORDER_RECHECK_MS = 750;
const ORDER_RECHECK_MAX_MS = 30_000;
/** An earlier message pending longer than this no longer holds later ones back (its sends have stalled). */
const ORDER_WAIT_SECONDS = 15 * 60;
/**
 * Prepared in the reply's transaction, a send waits this long for its rate-limit slot (Redis);
 * without an answer by then it is planned for the queue, RESERVE_RETRY_MS later, so that a
 * stalled Redis cannot hold the reply's transaction and its locks open.
 */
export const RESERVE_WHERE_WRITTEN_MS = 1000;
const RESERVE_RETRY_MS = 1000;

/**
 * Sends one outbound message. The delivery row (unique idempotency key per message) commits
 * before the provider is called and the result commits after, so a retried job never sends a
 * message whose success was recorded. The one window left: a crash after the provider accepted
 * the message and before its answer was written sends it again on retry.
 *
 * Messages of a conversation go out in the order they were written (a later one waits, in the
 * delayed set, while an earlier one is pending), and a send over the account's rate limit waits
 * there too: no worker slot is held while waiting.
 */
@Injectable()
@HandlesJob(JobName.OutboundMessage, 'property-steps')
export class OutboundMessageJob implements JobHandler<OutboundMessagePayload> {
  private readonly logger = new Logger(OutboundMessageJob.name);

  constructor(
    private readonly db: TenantDb,
    private readonly messages: MessagesRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly channels: ChannelAccountsService,
    private readonly senders: ChannelSenders,
    private readonly rate: SendRateLimiter,
    private readonly statuses: DeliveryStatuses,
  ) {}

  /**
   * Run where the reply was written (LocalJobs): the send's context is read and its delivery
   * claimed in the reply's own transaction, the claim committing with the reply (one transaction
   * less per reply). The run then calls the provider at once.
   */
  prepareWhereWritten({ propertyId, messageId }: OutboundMessagePayload): Promise<Send | Later | string> {
    return this.db.run({ propertyId }, () => this.prepare(propertyId, messageId, RESERVE_WHERE_WRITTEN_MS));
  }

  async handle(
    payload: OutboundMessagePayload,
    job?: Job<OutboundMessagePayload>,
    prepared?: unknown,
  ): Promise<string> {
    const { propertyId, messageId } = payload;
    const lastAttempt = !job || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // A Redis or database error here retries the job; only the provider's answer can fail it.
    const plan =
      (prepared as Send | Later | string | undefined) ??
      (await this.db.run({ propertyId }, () => this.prepare(propertyId, messageId)));
    if (typeof plan === 'string') return plan;
    if ('deferMs' in plan) throw new DeferJob(plan.deferMs, plan.reason);
    const delivery = await plan.claim;
    if (!delivery) return 'delivery already sent or failed';
    const send = { deliveryId: delivery.id, outbound: plan.outbound };
    let sent: { providerMessageId: string };
    try {
      sent = await this.senders.for(plan.outbound.account.kind).send(plan.outbound);
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err;
      if (err.retryable && !lastAttempt) {
        await this.db.run({ propertyId }, () =>
          this.deliveries.record(propertyId, send.deliveryId, { status: 'pending', error: err.message }),
        );
        throw err; // retried with backoff (Retry-After when the provider gave one)
      }
      this.logger.warn(`message ${messageId} failed for good: ${err.message}`);
      await this.finish(propertyId, messageId, send, { status: 'failed', error: err.message });
      throw new UnrecoverableError(err.message);
    }
    // Should this write fail, the job retries with the delivery still 'sending': the documented window.
    await this.finish(propertyId, messageId, send, {
      status: 'sent',
      providerMessageId: sent.providerMessageId,
    });
    return 'sent';
  }

  /**
   * Claims the delivery; a string says why nothing is to be sent, a Later that it must wait (for
   * an earlier message of the conversation, or the account's rate limit).
   */
  private async prepare(
    propertyId: string,
    messageId: string,
    reserveWithinMs?: number,
  ): Promise<Send | Later | string> {
    const message = await this.messages.outboundContext(propertyId, messageId, ORDER_WAIT_SECONDS);
    if (!message || message.direction !== 'outbound' || message.internal || !message.conversation_id)
      return 'not an outbound message';
    if (message.delivery_status !== 'pending') return `already ${message.delivery_status}`;
    const waited = message.earlier_pending_ms;
    if (waited !== null)
      return {
        // Checked often while the earlier send is fresh, less so as it keeps retrying.
        deferMs: Math.min(
          ORDER_RECHECK_MAX_MS,
          Math.max(ORDER_RECHECK_MS, Math.round(Math.max(0, waited) / 4)),
        ),
        reason: 'an earlier message of the conversation is on its way',
      };
    const account = message.account ?? (await this.channels.require(propertyId, message.channel_account_id));
    const type = KINDS[account.kind].type;
    const optedOut = type === 'sms' && message.intent !== KEYWORD_REPLY && message.sms_opted_out;
    const refusal = account.enabled
      ? sendRefusal(type, { last_inbound_at: message.last_inbound_at }, message, optedOut)
      : 'channel_disabled';
    if (refusal) {
      const delivery = await this.deliveries.claim(propertyId, messageId, message.channel_account_id);
      if (delivery.status === 'sent' || delivery.status === 'failed')
        return `delivery already ${delivery.status}`;
      await this.statuses.recordOutcome(
        propertyId,
        { deliveryId: delivery.id, messageId, accountId: message.channel_account_id },
        { status: 'failed', error: refusal },
      );
      return refusal;
    }
    const reserving = this.rate.reserve(account.kind, account.id, messageId);
    const wait = reserveWithinMs === undefined ? await reserving : await within(reserving, reserveWithinMs);
    if (wait === undefined) {
      reserving.catch(() => undefined); // its slot, if it gets one, is kept for this message's retry
      return {
        deferMs: RESERVE_RETRY_MS,
        reason: `no answer from the rate limiter of channel ${account.id}`,
      };
    }
    if (wait > 0) return { deferMs: wait, reason: `rate limit of channel ${account.id}` };
    return {
      // The claim is the transaction's last statement: its COMMIT goes out behind it, one wait for both.
      claim: this.db.trailing(
        this.deliveries.claimSending(propertyId, messageId, message.channel_account_id),
      ),
      conversationId: message.conversation_id,
      outbound: {
        account,
        credentials: this.channels.open(account),
        to: message.to_address!,
        body: message.content,
        template: message.template ?? undefined,
        inReplyTo: message.last_inbound_provider_id,
        subject: message.last_inbound_subject,
      },
    };
  }

  private async finish(
    propertyId: string,
    messageId: string,
    plan: { deliveryId: string; outbound: OutboundSend },
    result: { status: 'sent' | 'failed'; providerMessageId?: string; error?: string },
  ): Promise<void> {
    await this.statuses.recordSendResult(
      propertyId,
      { deliveryId: plan.deliveryId, messageId, accountId: plan.outbound.account.id },
      result,
    );
  }
}
