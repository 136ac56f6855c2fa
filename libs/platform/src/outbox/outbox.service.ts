import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { TenantDb } from '../database/tenant-db.service';
import { orderedUuidv7 } from '../database/uuid';
import { JOB_QUEUE, JobName } from '../queue/queue-names';
import { type NewOutboxRow, OutboxRepository } from './outbox.repository';

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
 * business rows it is about were committed. The rows a transaction asks for are written together,
 * in one statement at the end of its work (in the order asked, with time-ordered ids made here),
 * not one round trip each.
 */
@Injectable()
export class OutboxService {
  /** Rows asked for but not yet written, per open transaction (its EntityManager). */
  private readonly pending = new WeakMap<EntityManager, NewOutboxRow[]>();

  constructor(
    private readonly db: TenantDb,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Throws outside a property transaction: a job must commit with the rows it is about. */
  enqueue(job: JobName, payload: Record<string, unknown> = {}): Promise<string> {
    const id = this.buffer([{ jobName: job, payload }])[0];
    return Promise.resolve(id);
  }

  /** Records many domain events (bulk imports), in the order given. */
  publishEvents(events: { type: string; data: DomainEventPayload['data'] }[]): Promise<void> {
    const occurredAt = new Date().toISOString();
    this.buffer(
      events.map((e) => ({
        jobName: JobName.DomainEvent,
        payload: { eventId: randomUUID(), type: e.type, data: e.data, occurredAt },
      })),
    );
    return Promise.resolve();
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

  /** Buffers rows for the current transaction; returns their ids. */
  private buffer(jobs: { jobName: JobName; payload: Record<string, unknown> }[]): string[] {
    const manager = this.db.manager;
    const propertyId = this.db.propertyId;
    let rows = this.pending.get(manager);
    if (!rows) {
      const buffered: NewOutboxRow[] = [];
      rows = buffered;
      this.pending.set(manager, buffered);
      this.db.beforeCommit(async () => {
        this.pending.delete(manager);
        await this.outbox.insertRows(buffered);
      });
    }
    const ids: string[] = [];
    for (const { jobName, payload } of jobs) {
      const id = orderedUuidv7();
      rows.push({ id, queue: JOB_QUEUE[jobName], jobName, payload: { ...payload, propertyId } });
      ids.push(id);
    }
    return ids;
  }
}
