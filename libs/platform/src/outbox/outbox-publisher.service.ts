import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';

import { AppConfig } from '../config/app-config';
import { TenantDb } from '../database/tenant-db.service';
import { LOCAL_JOB_HOLD_MS, LocalJobs } from '../queue/local-jobs';
import { type JobName } from '../queue/queue-names';
import { QueueProducer } from '../queue/queue-producer.service';
import { OutboxRepository } from './outbox.repository';

/**
 * How often the rows published since are marked so (one transaction per property): at most this,
 * and well inside the rows' hold (a quarter of OUTBOX_HOLD_MS), so the relay does not find them
 * pending. At 100 messages/s, marking every 50 ms made the marks alone about 0.4 of the 4.5
 * transactions a guest message committed.
 */
const MARK_INTERVAL_MS = 250;
/** Marked at once past this many waiting rows. */
const MARK_BATCH = 500;

export interface CommittedOutboxRow {
  id: string;
  jobName: string;
  payload: Record<string, unknown>;
  /** Written to be run by this process (LocalJobs): held for that, not published. */
  localHoldMs?: number;
  /** What the job's handler prepared in the writing transaction, for its run here. */
  prepared?: unknown;
}

/**
 * Publishes the outbox rows a process has just committed, from that process, right after the
 * commit: no NOTIFY, no relay round and no claim transaction per row. The rows were written held
 * (`held_until`, OUTBOX_HOLD_MS ahead), so the relay leaves them alone meanwhile; the jobs go to
 * BullMQ with jobId = outbox id, and the rows are marked published in batches, every
 * MARK_INTERVAL_MS, one statement per property. Should publishing fail, the rows are released to
 * the relay at once (and it is woken); should this process die first, or the mark fail, the relay
 * takes them once the hold has passed and republishes the same jobIds, which BullMQ ignores while
 * it keeps the first jobs (processors are idempotent besides). Never throws: the work it follows
 * has committed. Transactions do not wait for it (`publishSoon`); `flush` (and shutdown) does.
 *
 * In the worker, the rows of jobs it runs where they were written (LocalJobs: a reply's send) are
 * not published: the job runs here once committed, and its row is marked with the others when
 * the run is over (it went to its queue only if it failed or must wait).
 */
@Injectable()
export class OutboxPublisher implements BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxPublisher.name);
  /** Published, not yet marked: ids per property. */
  private unmarked = new Map<string, string[]>();
  private waiting = 0;
  private timer?: NodeJS.Timeout;
  private marking: Promise<void> = Promise.resolve();
  /** Publishes started and not yet done (`publishSoon`). */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly config: AppConfig,
    private readonly tenantDb: TenantDb,
    private readonly outbox: OutboxRepository,
    private readonly producer: QueueProducer,
    private readonly localJobs: LocalJobs,
  ) {}

  /** How long committed rows are held for this process (0: publishing on commit is off). */
  get holdMs(): number {
    return this.config.OUTBOX_HOLD_MS;
  }

  /**
   * `publish` without waiting for it: the committed work goes on while its jobs go to Redis (a
   * stalled Redis holds up no request or job). `flush` waits for it.
   */
  publishSoon(propertyId: string, rows: CommittedOutboxRow[]): void {
    const run = this.publish(propertyId, rows);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /**
   * The hold of a row of this job written now, when this process would run it itself (LocalJobs),
   * well past the run's longest; undefined when it would be published.
   */
  localHold(jobName: string, count = 1): number | undefined {
    return this.localJobs.accepts(jobName, count) ? Math.max(LOCAL_JOB_HOLD_MS, this.holdMs) : undefined;
  }

  /**
   * The first steps of a job this process will run itself, taken in the transaction writing it
   * (LocalJobs.prepare); undefined when it has none.
   */
  prepareLocal(jobName: string, payload: Record<string, unknown>): Promise<unknown> {
    return this.localJobs.prepare(jobName as JobName, payload);
  }

  async publish(propertyId: string, committed: CommittedOutboxRow[]): Promise<void> {
    const local = committed.filter((r) => r.localHoldMs !== undefined);
    const started =
      local.length > 0 &&
      this.localJobs.start(
        local.map((r) => ({
          id: r.id,
          name: r.jobName as JobName,
          propertyId,
          payload: r.payload,
          prepared: r.prepared,
        })),
        (ids) => this.toMark(propertyId, ids),
      );
    // Rows written to run here while this process stopped running jobs (shutdown) are published.
    const rows = started ? committed.filter((r) => r.localHoldMs === undefined) : committed;
    if (rows.length === 0) return;
    const ids = rows.map((r) => r.id);
    try {
      await this.producer.addBulk(
        rows.map((r) => ({ name: r.jobName as JobName, payload: r.payload, jobId: r.id })),
      );
    } catch (err) {
      this.logger.warn(
        `outbox rows of property ${propertyId} not published on commit (${(err as Error).message}); the relay takes them`,
      );
      await this.tenantDb
        .run({ propertyId }, (em) => this.outbox.release(em, propertyId, ids))
        .catch((e: Error) =>
          this.logger.warn(`outbox rows not released (${e.message}); the relay takes them after their hold`),
        );
      return;
    }
    this.toMark(propertyId, ids);
  }

  /** Rows published (or run here) to be marked so with the next batch. */
  private toMark(propertyId: string, ids: string[]): void {
    if (ids.length === 0) return;
    const list = this.unmarked.get(propertyId);
    if (list) list.push(...ids);
    else this.unmarked.set(propertyId, [...ids]);
    this.waiting += ids.length;
    if (this.waiting >= MARK_BATCH) void this.markNow();
    else this.timer ??= setTimeout(() => void this.markNow(), Math.min(MARK_INTERVAL_MS, this.holdMs / 4));
  }

  /**
   * Waits for the publishes under way, then marks what was published; resolves once that and any
   * earlier mark are done.
   */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    return this.markNow();
  }

  /** Marks what was published so far (the timer's and the batch size's flush). */
  private markNow(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.unmarked;
    this.unmarked = new Map();
    this.waiting = 0;
    this.marking = this.marking.then(() => this.mark(batch));
    return this.marking;
  }

  private async mark(batch: Map<string, string[]>): Promise<void> {
    for (const [propertyId, ids] of batch) {
      await this.tenantDb
        // One wait: the COMMIT goes out behind the update.
        .run({ propertyId }, (em) => {
          void this.tenantDb.trailing(this.outbox.markPublished(em, propertyId, ids));
          return Promise.resolve();
        })
        .catch((err: Error) =>
          this.logger.warn(
            `${ids.length} published outbox rows of property ${propertyId} not marked (${err.message}); the relay republishes them after their hold`,
          ),
        );
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Runs where written first: their marks, and their hand-overs to the queues, come with them.
    this.localJobs.disable();
    await this.localJobs.drain();
    await this.flush();
  }
}
