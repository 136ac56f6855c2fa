import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job, type MinimalJob, UnrecoverableError, Worker } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { TenantDb } from '../database/tenant-db.service';
import { isUuid } from '../database/uuid';
import { RedisService } from '../redis/redis.service';
import { DeferJob } from './job-handler';
import { JobRegistry } from './job-registry';
import { type LocalJob, LocalJobs } from './local-jobs';
import { QUEUE_DEFAULTS } from './queue-defaults';
import { JOB_QUEUE, type JobName, QueueName, RUN_WHERE_WRITTEN } from './queue-names';
import { QueueProducer } from './queue-producer.service';

/**
 * Consumes every queue and hands each job to its one handler. Property-scoped handlers run inside
 * TenantDb.run keyed by the payload's propertyId; a payload without a valid one is rejected
 * without retry. Jobs of RUN_WHERE_WRITTEN written in this process run here once their
 * transaction commits (LocalJobs). `close()` waits for in-flight jobs.
 */
@Injectable()
export class WorkerHost implements OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: Worker[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly registry: JobRegistry,
    private readonly tenantDb: TenantDb,
    private readonly localJobs: LocalJobs,
    private readonly producer: QueueProducer,
  ) {}

  /** Consumes `queues`; jobs named in `local` that this process writes run here (LocalJobs). */
  start(queues: QueueName[] = Object.values(QueueName), local: readonly JobName[] = RUN_WHERE_WRITTEN): void {
    for (const name of queues) {
      const worker = new Worker(name, (job, token) => this.process(job, token), {
        connection: this.redis.create(`butler-worker-${name}`, { maxRetriesPerRequest: null }),
        prefix: this.config.REDIS_PREFIX,
        concurrency: this.config.WORKER_CONCURRENCY,
        autorun: true,
        settings: { backoffStrategy: retryAfterBackoff },
      });
      worker.on('failed', (job, err) =>
        this.logger.warn(
          `${name}/${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`,
        ),
      );
      worker.on('error', (err) => this.logger.warn(`${name} worker: ${err.message}`));
      this.workers.push(worker);
    }
    // As many transactions' sends at once as jobs of a queue: they share the connection pool.
    this.localJobs.enable(
      local,
      (job) => this.runLocal(job),
      (job) => this.producer.add(job.name, job.payload, job.id),
      this.config.WORKER_CONCURRENCY,
      (name, payload) => this.prepareLocal(name, payload),
    );
  }

  /** A local job's first steps, in the transaction writing it (its handler's `prepareWhereWritten`). */
  private prepareLocal(name: JobName, payload: Record<string, unknown>): Promise<unknown> {
    const handler = this.registry.get(name);
    if (!handler?.instance.prepareWhereWritten || handler.meta.scope === 'platform') return Promise.resolve();
    return handler.instance.prepareWhereWritten(payload);
  }

  /**
   * Runs a job where it was written, as its first attempt. Should it fail (or ask to wait), its
   * queue takes it from there under its outbox id with the queue's own attempts: after the delay a
   * DeferJob asked for, else the queue's first backoff, with one attempt fewer (this run was the
   * first). Rejects only when that hand-over fails too (the held row is then the relay's once its
   * hold is over).
   */
  private async runLocal(local: LocalJob): Promise<void> {
    const attempt = {
      id: local.id,
      name: local.name,
      data: local.payload,
      attemptsMade: 0,
      opts: QUEUE_DEFAULTS[JOB_QUEUE[local.name]],
    };
    try {
      await this.run(attempt as unknown as Job, local.prepared);
    } catch (err) {
      if (err instanceof UnrecoverableError) {
        this.logger.warn(`${local.name} ${local.id} failed for good where written: ${err.message}`);
        return;
      }
      const deferred = err instanceof DeferJob;
      if (!deferred)
        this.logger.warn(`${local.name} ${local.id} failed where written, queued: ${(err as Error).message}`);
      const delay = deferred
        ? err.delayMs
        : retryAfterBackoff(1, undefined, err as Error, attempt as unknown as MinimalJob);
      // A deferral used no attempt (as in the queue); a failure used the first.
      const attempts = deferred ? undefined : Math.max(1, (attempt.opts.attempts ?? 1) - 1);
      await this.producer.add(local.name, local.payload, local.id, { delay, attempts });
    }
  }

  /**
   * Runs one job. A handler's DeferJob puts the job back in the delayed set (no attempt used)
   * when the worker's lock token is known; called without one (tests), the DeferJob is thrown.
   */
  async process(job: Job, token?: string): Promise<unknown> {
    try {
      return await this.run(job);
    } catch (err) {
      if (!(err instanceof DeferJob) || token === undefined) throw err;
      await job.moveToDelayed(Date.now() + err.delayMs, token);
      throw new DelayedError(err.message);
    }
  }

  private async run(job: Job, prepared?: unknown): Promise<unknown> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    if (handler.meta.scope === 'platform') return handler.instance.handle(job.data, job);
    const propertyId = (job.data as { propertyId?: unknown } | null)?.propertyId;
    if (!isUuid(propertyId)) {
      throw new UnrecoverableError(`job ${job.name} ${job.id} has no valid propertyId; rejected`);
    }
    if (handler.meta.scope === 'property-steps') return handler.instance.handle(job.data, job, prepared);
    return this.tenantDb.run({ propertyId }, () => handler.instance.handle(job.data, job, prepared));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.workers.length = 0;
    // Jobs finished last may have started runs where written; no new ones from here on.
    this.localJobs.disable();
    await this.localJobs.drain();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

/**
 * Backoff of queues whose default type is `retry-after`: the delay an error asks for
 * (`retryAfterSeconds`, e.g. a provider's Retry-After), else exponential from the base delay.
 */
export function retryAfterBackoff(
  attemptsMade: number,
  _type?: string,
  err?: Error,
  job?: MinimalJob,
): number {
  const asked = (err as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof asked === 'number' && asked > 0) return Math.min(asked, 3600) * 1000;
  const base = (job?.opts.backoff as { delay?: number } | undefined)?.delay ?? 1000;
  return base * 2 ** Math.max(0, attemptsMade - 1);
}
