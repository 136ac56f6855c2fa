import { Injectable, Logger } from '@nestjs/common';

import { TenantDb } from '../database/tenant-db.service';
import { HandlesJob, type JobHandler } from '../queue/job-handler';
import { JobName } from '../queue/queue-names';
import { type DomainEventPayload } from './outbox.service';

export type DomainEventSubscriber = (event: DomainEventPayload) => Promise<void>;

export interface SubscribeOptions {
  /**
   * The subscriber reads or writes tenant rows and runs in the event's property transaction
   * (default). false: it touches no rows (it forwards the event to Redis, say) and runs outside
   * any transaction, so an event only such subscribers follow costs no transaction at all.
   */
  transaction?: boolean;
}

interface Subscription {
  subscriber: DomainEventSubscriber;
  transaction: boolean;
}

/**
 * In-process fan-out of domain events delivered by the outbox. Contexts subscribe by event type
 * (e.g. conversation follows `guest.merged`); each subscriber must be idempotent (the job may be
 * retried) and runs in the event's property transaction unless it said it needs none.
 */
@Injectable()
export class DomainEventBus {
  private readonly subscriptions = new Map<string, Subscription[]>();

  subscribe(type: string, subscriber: DomainEventSubscriber, options: SubscribeOptions = {}): () => void {
    const subscription = { subscriber, transaction: options.transaction ?? true };
    this.subscriptions.set(type, [...(this.subscriptions.get(type) ?? []), subscription]);
    return () =>
      this.subscriptions.set(
        type,
        (this.subscriptions.get(type) ?? []).filter((s) => s !== subscription),
      );
  }

  /** Whether any subscriber follows an event type (none: the event needs no job at all). */
  followed(type: string): boolean {
    return (this.subscriptions.get(type)?.length ?? 0) + (this.subscriptions.get('*')?.length ?? 0) > 0;
  }

  /**
   * Whether an event type can be delivered right where it is relayed: it has subscribers and none
   * of them needs the property transaction (the live-stream relay, say). Such an event needs no
   * job of its own.
   */
  deliverableInline(type: string): boolean {
    const all = [...(this.subscriptions.get(type) ?? []), ...(this.subscriptions.get('*') ?? [])];
    return all.length > 0 && all.every((s) => !s.transaction);
  }

  /**
   * Delivers an event to its subscribers; those that need the property transaction run inside
   * `inTransaction` (one transaction for all of them), when given, else in the caller's context.
   */
  async dispatch(
    event: DomainEventPayload,
    inTransaction?: (work: () => Promise<void>) => Promise<void>,
  ): Promise<number> {
    const all = [...(this.subscriptions.get(event.type) ?? []), ...(this.subscriptions.get('*') ?? [])];
    const scoped = all.filter((s) => s.transaction);
    if (scoped.length > 0) {
      const work = async () => {
        for (const s of scoped) await s.subscriber(event);
      };
      await (inTransaction ? inTransaction(work) : work());
    }
    for (const s of all) if (!s.transaction) await s.subscriber(event);
    return all.length;
  }
}

/** Delivers one domain event; a property transaction is opened only for subscribers that need one. */
@Injectable()
@HandlesJob(JobName.DomainEvent, 'property-steps')
export class DomainEventJob implements JobHandler<DomainEventPayload> {
  private readonly logger = new Logger(DomainEventJob.name);

  constructor(
    private readonly bus: DomainEventBus,
    private readonly db: TenantDb,
  ) {}

  async handle(event: DomainEventPayload): Promise<number> {
    const delivered = await this.bus.dispatch(event, (work) =>
      this.db.run({ propertyId: event.propertyId }, work),
    );
    this.logger.debug(`${event.type} ${event.eventId} delivered to ${delivered} subscribers`);
    return delivered;
  }
}
