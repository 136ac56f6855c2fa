import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { TenantDb } from '../database/tenant-db.service';
import { orderedUuidv7 } from '../database/uuid';
import { JOB_QUEUE, JobName } from '../queue/queue-names';
import { DomainEventBus } from './domain-events';
import { type NewOutboxRow, OutboxRepository } from './outbox.repository';
import { OutboxPublisher } from './outbox-publisher.service';

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
 * not one round trip each, and this process publishes them right after the commit
 * (OutboxPublisher; the relay is the safety net). Where the caller commits (TenantDb.within) they
 * are the relay's at once.
 *
 * A domain event only transaction-free subscribers follow (the live stream: best effort by
 * nature) gets no row: it is delivered in order right after the transaction commits, by the
 * process that committed it. Where the caller commits the transaction (TenantDb.within) it takes
 * the outbox like any other event. A domain event no subscriber follows is written already
 * published, as the record of what happened, and becomes no job. The writing process decides
 * from its own subscribers: the api and the worker compose the same contexts, so they have the
 * same. A subscriber that a new release adds misses what processes of the old release recorded
 * during the rollout, as it misses everything from before it existed.
 */
@Injectable()
export class OutboxService {
  private readonly logger = new Logger(OutboxService.name);
  /** Rows asked for but not yet written, per open transaction (its EntityManager). */
  private readonly pending = new WeakMap<EntityManager, NewOutboxRow[]>();
  /** Live events to deliver once the transaction commits, per open transaction. */
  private readonly live = new WeakMap<EntityManager, DomainEventPayload[]>();

  constructor(
    private readonly db: TenantDb,
    private readonly outbox: OutboxRepository,
    private readonly bus: DomainEventBus,
    private readonly publisher: OutboxPublisher,
  ) {}

  /** Throws outside a property transaction: a job must commit with the rows it is about. */
  enqueue(job: JobName, payload: Record<string, unknown> = {}): Promise<string> {
    const id = this.buffer([{ jobName: job, payload }])[0];
    return Promise.resolve(id);
  }

  /** Records many domain events (bulk imports), in the order given. */
  publishEvents(events: { type: string; data: DomainEventPayload['data'] }[]): Promise<void> {
    const occurredAt = new Date().toISOString();
    const all = events.map((e) => this.event(e.type, e.data, occurredAt));
    const queued = all.filter((e) => !this.deliverAfterCommit(e));
    this.buffer(
      queued.map((payload) => ({
        jobName: JobName.DomainEvent,
        payload: { ...payload },
        logged: !this.bus.followed(payload.type),
      })),
    );
    return Promise.resolve();
  }

  /**
   * Records a domain event (`guest.merged`, `reservation.checked_in`, …) for subscribers; returns
   * its outbox row's id, or the event's id when it needs no row.
   */
  publishEvent(type: string, data: DomainEventPayload['data']): Promise<string> {
    const event = this.event(type, data, new Date().toISOString());
    if (this.deliverAfterCommit(event)) return Promise.resolve(event.eventId);
    const logged = !this.bus.followed(type);
    return Promise.resolve(this.buffer([{ jobName: JobName.DomainEvent, payload: { ...event }, logged }])[0]);
  }

  /** Whether events of this type need no outbox row (only transaction-free subscribers follow them). */
  liveOnly(type: string): boolean {
    return this.bus.deliverableInline(type);
  }

  /**
   * Delivers live-only events (see `liveOnly`) of work that has committed outside any property
   * transaction of this process (a statement that was its own transaction), in order, best effort.
   */
  async deliverCommitted(
    propertyId: string,
    events: { type: string; data: DomainEventPayload['data'] }[],
  ): Promise<void> {
    const occurredAt = new Date().toISOString();
    const payloads = events.map((e) => {
      if (!this.liveOnly(e.type)) throw new Error(`event ${e.type} needs the outbox`);
      return this.event(e.type, e.data, occurredAt, propertyId);
    });
    await this.deliver(undefined, payloads);
  }

  private event(
    type: string,
    data: DomainEventPayload['data'],
    occurredAt: string,
    propertyId = this.db.propertyId,
  ): DomainEventPayload {
    return { propertyId, eventId: randomUUID(), type, data, occurredAt };
  }

  /** Keeps a live-only event for delivery after the commit; false when it must take the outbox. */
  private deliverAfterCommit(event: DomainEventPayload): boolean {
    if (!this.bus.deliverableInline(event.type)) return false;
    const manager = this.db.manager;
    const held = this.live.get(manager);
    if (held) {
      held.push(event);
      return true;
    }
    const events = [event];
    if (!this.db.afterCommit(() => this.deliver(manager, events))) return false;
    this.live.set(manager, events);
    return true;
  }

  /** All at once and in order (one Redis connection keeps the order); a failure is logged. */
  private async deliver(manager: EntityManager | undefined, events: DomainEventPayload[]): Promise<void> {
    if (manager) this.live.delete(manager);
    await Promise.all(
      events.map((e) =>
        this.bus
          .dispatch(e)
          .catch((err: Error) =>
            this.logger.warn(`live event ${e.type} ${e.eventId} not delivered: ${err.message}`),
          ),
      ),
    );
  }

  /**
   * Marks the rows of jobs this process will run itself once committed (LocalJobs: a reply's
   * send, in the worker) with their longer hold: the relay must not take them while they run.
   */
  private holdLocal(rows: NewOutboxRow[]): void {
    const count = new Map<string, number>();
    for (const row of rows) if (!row.logged) count.set(row.jobName, (count.get(row.jobName) ?? 0) + 1);
    for (const row of rows)
      if (!row.logged) row.localHoldMs = this.publisher.localHold(row.jobName, count.get(row.jobName));
  }

  /**
   * The first job this process will run itself once committed takes its first steps now, in the
   * transaction (JobHandler.prepareWhereWritten: a reply's send reads its context and claims its
   * delivery with the reply's own COMMIT instead of in a transaction of its own). The jobs after
   * it of the same transaction are not prepared: each waits for the one before it (a later message
   * of a conversation goes out after an earlier one).
   */
  private async prepareLocal(rows: NewOutboxRow[]): Promise<void> {
    const first = rows.find((r) => r.localHoldMs !== undefined);
    if (first) first.prepared = await this.publisher.prepareLocal(first.jobName, first.payload);
  }

  /** Buffers rows for the current transaction; returns their ids. */
  private buffer(jobs: { jobName: JobName; payload: Record<string, unknown>; logged?: boolean }[]): string[] {
    if (jobs.length === 0) return [];
    const manager = this.db.manager;
    const propertyId = this.db.propertyId;
    let rows = this.pending.get(manager);
    if (!rows) {
      const buffered: NewOutboxRow[] = [];
      rows = buffered;
      this.pending.set(manager, buffered);
      // Published by this process once committed, unless the caller commits (TenantDb.within).
      const holdMs = this.publisher.holdMs;
      const held =
        holdMs > 0 &&
        this.db.afterCommit(() =>
          Promise.resolve(
            this.publisher.publishSoon(
              propertyId,
              buffered.filter((r) => !r.logged),
            ),
          ),
        );
      this.db.beforeCommit(async () => {
        this.pending.delete(manager);
        if (held) {
          this.holdLocal(buffered);
          await this.prepareLocal(buffered);
        }
        // The transaction's last write: its COMMIT goes out behind it, one wait for both.
        void this.db.trailing(this.outbox.insertRows(buffered, held ? holdMs : 0));
      });
    }
    const ids: string[] = [];
    for (const { jobName, payload, logged } of jobs) {
      const id = orderedUuidv7();
      rows.push({ id, queue: JOB_QUEUE[jobName], jobName, payload: { ...payload, propertyId }, logged });
      ids.push(id);
    }
    return ids;
  }
}
