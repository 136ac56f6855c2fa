import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { TenantDb } from '../database/tenant-db.service';
import { JOB_QUEUE, JobName } from '../queue/queue-names';

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
  constructor(private readonly db: TenantDb) {}

  async enqueue(job: JobName, payload: Record<string, unknown> = {}): Promise<string> {
    const propertyId = this.db.propertyId;
    const rows: { id: string }[] = await this.db.manager.query(
      `insert into platform.outbox (property_id, queue, job_name, payload)
       values ($1, $2, $3, $4) returning id`,
      [propertyId, JOB_QUEUE[job], job, JSON.stringify({ ...payload, propertyId })],
    );
    return rows[0].id;
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
