import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';

import { AppConfig } from '../config/app-config';
import { TenantDb } from '../database/tenant-db.service';
import { PropertiesRepository } from '../identity/repositories/properties.repository';
import { JobName } from '../queue/queue-names';
import { QueueProducer } from '../queue/queue-producer.service';
import { DomainEventBus } from './domain-events';
import { OutboxRepository } from './outbox.repository';
import { type DomainEventPayload } from './outbox.service';

const BATCH = 200;

/**
 * Claims pending outbox rows (marking them published) and publishes them to BullMQ with jobId =
 * outbox id before that transaction commits. If Redis is down the transaction rolls back and the
 * rows stay pending; if the relay dies after publishing but before commit, the retry re-adds the
 * same jobId, which BullMQ ignores. A domain event whose subscribers all need no transaction (the
 * live stream) is delivered by the relay itself instead of a job, best effort: such events reach
 * the outbox only from transactions whose caller commits them (TenantDb.within). Wakes on NOTIFY
 * from the insert trigger, and sweeps every property periodically.
 */
@Injectable()
export class OutboxRelay implements OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private sweepTimer?: NodeJS.Timeout;
  private readonly running = new Map<string, Promise<number>>();
  private readonly again = new Set<string>();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly properties: PropertiesRepository,
    private readonly outbox: OutboxRepository,
    private readonly tenantDb: TenantDb,
    private readonly producer: QueueProducer,
    private readonly bus: DomainEventBus,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.listen();
    this.scheduleSweep(0);
  }

  /** Publishes one property's pending rows; returns how many were published. */
  async relayProperty(propertyId: string): Promise<number> {
    const inFlight = this.running.get(propertyId);
    if (inFlight) {
      this.again.add(propertyId);
      return inFlight;
    }
    const run = this.drain(propertyId).finally(() => {
      this.running.delete(propertyId);
      if (this.again.delete(propertyId) && !this.stopped) {
        this.relayProperty(propertyId).catch((err: Error) =>
          this.logger.warn(`outbox relay for property ${propertyId} failed: ${err.message}`),
        );
      }
    });
    this.running.set(propertyId, run);
    return run;
  }

  /** Relays every property once; returns the number of rows published. */
  async sweep(): Promise<number> {
    let total = 0;
    for (const id of await this.properties.listIds()) {
      if (this.stopped) break;
      total += await this.relayProperty(id).catch((err: Error) => {
        this.logger.warn(`outbox relay for property ${id} failed: ${err.message}`);
        return 0;
      });
    }
    return total;
  }

  private async drain(propertyId: string): Promise<number> {
    let published = 0;
    for (;;) {
      const { count, inline } = await this.tenantDb.run({ propertyId }, async (em) => {
        const rows = await this.outbox.claimPublished(em, propertyId, BATCH);
        const live = rows.filter(
          (r) =>
            r.job_name === (JobName.DomainEvent as string) &&
            this.bus.deliverableInline((r.payload as unknown as DomainEventPayload).type),
        );
        const queued = rows.filter((r) => !live.includes(r));
        if (queued.length > 0)
          await this.producer.addBulk(
            queued.map((r) => ({ name: r.job_name as JobName, payload: r.payload, jobId: r.id })),
          );
        return { count: rows.length, inline: live };
      });
      // Events only the live stream follows go straight to it once the claim has committed, without a
      // job, all at once and in order (one Redis connection keeps the order). Best effort, as the
      // stream itself: a failed delivery is logged and never holds the property's other rows back.
      await Promise.all(
        inline.map((r) =>
          this.bus
            .dispatch(r.payload as unknown as DomainEventPayload)
            .catch((err: Error) => this.logger.warn(`live event ${r.id} not delivered: ${err.message}`)),
        ),
      );
      published += count;
      if (count < BATCH) return published;
    }
  }

  private async listen(): Promise<void> {
    const client = new Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'butler-outbox',
    });
    client.on('error', (err) => {
      this.logger.warn(`outbox listener lost: ${err.message}`);
      this.listener = undefined;
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 2000);
    });
    client.on('notification', (msg) => {
      if (msg.payload && !this.stopped) {
        this.relayProperty(msg.payload).catch((err: Error) =>
          this.logger.warn(`outbox relay for property ${msg.payload} failed: ${err.message}`),
        );
      }
    });
    try {
      await client.connect();
      await client.query('listen butler_outbox');
      this.listener = client;
    } catch (err) {
      this.logger.warn(`outbox listener could not connect: ${(err as Error).message}; sweeping only`);
      await client.end().catch(() => undefined);
      if (!this.stopped) setTimeout(() => void this.listen().catch(() => undefined), 5000);
    }
  }

  private scheduleSweep(delay: number): void {
    if (this.stopped) return;
    this.sweepTimer = setTimeout(() => {
      this.sweep()
        .catch((err: Error) => this.logger.warn(`outbox sweep failed: ${err.message}`))
        .finally(() => this.scheduleSweep(this.config.OUTBOX_SWEEP_INTERVAL_MS));
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    await Promise.allSettled(this.running.values());
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }
}
