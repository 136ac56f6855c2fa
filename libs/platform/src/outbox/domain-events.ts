import { Injectable, Logger } from '@nestjs/common';

import { HandlesJob, type JobHandler } from '../queue/job-handler';
import { JobName } from '../queue/queue-names';
import { type DomainEventPayload } from './outbox.service';

export type DomainEventSubscriber = (event: DomainEventPayload) => Promise<void>;

/**
 * In-process fan-out of domain events delivered by the outbox. Contexts subscribe by event type
 * (e.g. conversation follows `guest.merged`); each subscriber runs in the event's property
 * transaction and must be idempotent (the job may be retried).
 */
@Injectable()
export class DomainEventBus {
  private readonly subscribers = new Map<string, DomainEventSubscriber[]>();

  subscribe(type: string, subscriber: DomainEventSubscriber): () => void {
    this.subscribers.set(type, [...(this.subscribers.get(type) ?? []), subscriber]);
    return () =>
      this.subscribers.set(
        type,
        (this.subscribers.get(type) ?? []).filter((s) => s !== subscriber),
      );
  }

  async dispatch(event: DomainEventPayload): Promise<number> {
    const subscribers = [...(this.subscribers.get(event.type) ?? []), ...(this.subscribers.get('*') ?? [])];
    for (const subscriber of subscribers) await subscriber(event);
    return subscribers.length;
  }
}

@Injectable()
@HandlesJob(JobName.DomainEvent, 'property')
export class DomainEventJob implements JobHandler<DomainEventPayload> {
  private readonly logger = new Logger(DomainEventJob.name);

  constructor(private readonly bus: DomainEventBus) {}

  async handle(event: DomainEventPayload): Promise<number> {
    const delivered = await this.bus.dispatch(event);
    this.logger.debug(`${event.type} ${event.eventId} delivered to ${delivered} subscribers`);
    return delivered;
  }
}
