import { affectedOf, rowsOf, TenantDb } from '@app/platform';
import { Injectable } from '@nestjs/common';

export interface DeliveryRow {
  id: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  provider_message_id: string | null;
}

export type DeliveryStatus = 'pending' | 'sent' | 'delivered' | 'read' | 'failed';

/** The send an outcome is about. */
export interface SendRef {
  deliveryId: string;
  messageId: string;
  accountId: string;
}

export interface SendResult {
  status: 'sent' | 'failed';
  providerMessageId?: string;
  error?: string;
}

/** A status a message moved to (each one a `message.status` event). */
export interface StatusChange {
  message_id: string;
  conversation_id: string;
  status: DeliveryStatus;
}

const outcomeParams = (propertyId: string, send: SendRef, result: SendResult) => [
  propertyId,
  send.deliveryId,
  send.messageId,
  send.accountId,
  result.status,
  result.providerMessageId ?? null,
  result.error ?? null,
];

/** conversation.deliveries (one per outbound message, keyed by an idempotency key) and message statuses. */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly db: TenantDb) {}

  /** The message's delivery row, created on first use; locked until the transaction ends. */
  async claim(propertyId: string, messageId: string, accountId: string): Promise<DeliveryRow> {
    await this.db.manager.query(
      `insert into conversation.deliveries (property_id, message_id, channel_account_id, idempotency_key)
       values ($1, $2, $3, $4) on conflict (property_id, idempotency_key) do nothing`,
      [propertyId, messageId, accountId, `message:${messageId}`],
    );
    const rows = await rowsOf<DeliveryRow>(
      this.db.manager.query(
        `select id, status, attempts, provider_message_id from conversation.deliveries
          where property_id = $1 and idempotency_key = $2 for update`,
        [propertyId, `message:${messageId}`],
      ),
    );
    return rows[0];
  }

  /**
   * Claims a message's delivery for a send in one statement: created as `sending`, or moved to
   * `sending` (one more attempt) unless it is `sent` or `failed` already, and locked either way.
   * Undefined when it is sent or failed (nothing to do).
   */
  async claimSending(
    propertyId: string,
    messageId: string,
    accountId: string,
  ): Promise<DeliveryRow | undefined> {
    const rows = await rowsOf<DeliveryRow>(
      this.db.manager.query(
        `insert into conversation.deliveries
                (property_id, message_id, channel_account_id, idempotency_key, status, attempts)
         values ($1, $2, $3, $4, 'sending', 1)
         on conflict (property_id, idempotency_key) do update
            set status = 'sending', attempts = conversation.deliveries.attempts + 1
          where conversation.deliveries.status not in ('sent', 'failed')
         returning id, status, attempts, provider_message_id`,
        [propertyId, messageId, accountId, `message:${messageId}`],
      ),
    );
    return rows[0];
  }

  async record(
    propertyId: string,
    id: string,
    result: { status: 'pending' | 'sent' | 'failed'; providerMessageId?: string; error?: string },
  ): Promise<void> {
    await this.db.manager.query(
      `update conversation.deliveries
          set status = $3, provider_message_id = coalesce($4, provider_message_id), last_error = $5
        where property_id = $1 and id = $2`,
      [propertyId, id, result.status, result.providerMessageId ?? null, result.error ?? null],
    );
  }

  /**
   * Moves a message's delivery status forward only (pending < sent < delivered < read); `failed`
   * always wins and is final (the rule is conversation.advance_delivery_status). Returns the
   * message if it changed.
   */
  async advanceMessage(
    propertyId: string,
    where: { messageId?: string; channelMessageId?: string; accountId?: string },
    status: DeliveryStatus,
    extra: { channelMessageId?: string; error?: string } = {},
  ): Promise<{ id: string; conversation_id: string } | undefined> {
    const rows = await rowsOf<{ id: string; conversation_id: string }>(
      this.db.manager.query(
        `select id, conversation_id from conversation.advance_delivery_status($1, $2, $3, $4, $5, $6, $7)`,
        [
          propertyId,
          where.messageId ?? null,
          where.channelMessageId ?? null,
          where.accountId ?? null,
          status,
          extra.channelMessageId ?? null,
          extra.error ?? null,
        ],
      ),
    );
    return rows[0];
  }

  /**
   * A send's outcome in one statement (conversation.record_send_result): the delivery's status,
   * then the message's; for `sent`, under the provider id's status lock, the id and any status
   * callbacks parked for it. Returns each status the message moved to, in order.
   */
  recordOutcome(propertyId: string, send: SendRef, result: SendResult): Promise<StatusChange[]> {
    return rowsOf<StatusChange>(
      this.db.manager.query(
        `select message_id, conversation_id, status
           from conversation.record_send_result($1, $2, $3, $4, $5, $6, $7)`,
        outcomeParams(propertyId, send, result),
      ),
    );
  }

  /**
   * `recordOutcome` as a statement that is its own transaction and scopes itself to the property
   * (conversation.record_send_result_scoped): one round trip. Outside any property transaction.
   */
  recordOutcomeAlone(propertyId: string, send: SendRef, result: SendResult): Promise<StatusChange[]> {
    return this.db.selfScoped<StatusChange>(
      `select message_id, conversation_id, status
         from conversation.record_send_result_scoped($1, $2, $3, $4, $5, $6, $7)`,
      outcomeParams(propertyId, send, result),
    );
  }
}

/** Status callbacks that arrived before the send's answer recorded their provider id. */
@Injectable()
export class ParkedStatusesRepository {
  constructor(private readonly db: TenantDb) {}

  /**
   * Serializes the status callbacks and the send's answer about one provider message id: the
   * key `conversation.record_send_result` locks too (migration 1795330000000), spelled alike there.
   */
  async lock(accountId: string, channelMessageId: string): Promise<void> {
    await this.db.manager.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `delivery-status:${accountId}:${channelMessageId}`,
    ]);
  }

  async isKnown(propertyId: string, accountId: string, channelMessageId: string): Promise<boolean> {
    const rows = await rowsOf(
      this.db.manager.query(
        `select 1 from conversation.messages
          where property_id = $1 and channel_account_id = $2 and channel_message_id = $3`,
        [propertyId, accountId, channelMessageId],
      ),
    );
    return rows.length > 0;
  }

  async park(
    propertyId: string,
    accountId: string,
    channelMessageId: string,
    status: DeliveryStatus,
    error: string | undefined,
  ): Promise<void> {
    await this.db.manager.query(
      `insert into conversation.parked_statuses (property_id, channel_account_id, channel_message_id, status, error)
       values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [propertyId, accountId, channelMessageId, status, error ?? null],
    );
  }

  /** Callbacks about messages never recorded as ours (another system's sends on a shared number). */
  async prune(propertyId: string, olderThanDays: number): Promise<number> {
    return affectedOf(
      this.db.manager.query(
        `delete from conversation.parked_statuses
          where property_id = $1 and received_at < now() - make_interval(days => $2)`,
        [propertyId, olderThanDays],
      ),
    );
  }
}
