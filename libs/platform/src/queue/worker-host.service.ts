import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { DelayedError, type Job, type MinimalJob, UnrecoverableError, Worker } from 'bullmq';

import { AppConfig } from '../config/app-config';
import { TenantDb } from '../database/tenant-db.service';
import { isUuid } from '../database/uuid';
import { RedisService } from '../redis/redis.service';
import { DeferJob } from './job-handler';
import { JobRegistry } from './job-registry';
import { QueueName } from './queue-names';

/**
 * Consumes every queue and hands each job to its one handler. Property-scoped handlers run inside
 * TenantDb.run keyed by the payload's propertyId; a payload without a valid one is rejected
 * without retry. `close()` waits for in-flight jobs.
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
  ) {}

  start(queues: QueueName[] = Object.values(QueueName)): void {
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

  private async run(job: Job): Promise<unknown> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job ${job.name}`);
    if (handler.meta.scope === 'platform') return handler.instance.handle(job.data, job);
    const propertyId = (job.data as { propertyId?: unknown } | null)?.propertyId;
    if (!isUuid(propertyId)) {
      throw new UnrecoverableError(`job ${job.name} ${job.id} has no valid propertyId; rejected`);
    }
    if (handler.meta.scope === 'property-steps') return handler.instance.handle(job.data, job);
    return this.tenantDb.run({ propertyId }, () => handler.instance.handle(job.data, job));
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.workers.length = 0;
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
