import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { TenantDb } from '../database/tenant-db.service';
import { JOB_QUEUE, JobName } from '../queue/queue-names';
import { OutboxRepository } from './outbox.repository';

export interface DomainEventPayload {
  propertyId: string;
  eventId: string;
  type: string;
  /** Ids only: Redis holds job data in clear text. */
  data: Record<string, string | number | boolean | null>;
  occurredAt: string;
}

/**
 * Writes outbox rows inside the caller's property transaction, so a job exists exactly when the
 * business rows it is about were committed.
 */
@Injectable()
export class OutboxService {
  constructor(
    private readonly db: TenantDb,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Throws outside a property transaction: a job must commit with the rows it is about. */
  async enqueue(job: JobName, payload: Record<string, unknown> = {}): Promise<string> {
    return this.outbox.insert(JOB_QUEUE[job], job, { ...payload, propertyId: this.db.propertyId });
  }

  /** Records many domain events in one statement (bulk imports), in the order given. */
  async publishEvents(events: { type: string; data: DomainEventPayload['data'] }[]): Promise<void> {
    const propertyId = this.db.propertyId;
    const occurredAt = new Date().toISOString();
    await this.outbox.insertMany(
      events.map((e) => ({
        queue: JOB_QUEUE[JobName.DomainEvent],
        jobName: JobName.DomainEvent,
        payload: { eventId: randomUUID(), type: e.type, data: e.data, occurredAt, propertyId },
      })),
    );
  }

  /** Records a domain event (`guest.merged`, `reservation.checked_in`, …) for subscribers. */
  async publishEvent(type: string, data: DomainEventPayload['data']): Promise<string> {
    return this.enqueue(JobName.DomainEvent, {
      eventId: randomUUID(),
      type,
      data,
      occurredAt: new Date().toISOString(),
    });
  }
}
